"""The consent form: its fields, filling and signing them, where the signature fields sit,
every consent element in its text, document control, and reproducible bytes.

Expected field names and texts are computed from the models (content.yaml and each
clinic.yaml), so the tests follow content edits; the seed values the issue names are
asserted as well. The signature boxes are laid out again here, straight from WeasyPrint,
and compared with the fields the pyHanko step placed.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from conftest import (
    CLINICS,
    PAIRS,
    Built,
    build,
    contains,
    edit,
    line_of,
    normalise,
    pdf_text,
    printed,
    request_for,
    run_cli,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject
from weasyprint import HTML

from brochure.documents.html import render_html
from brochure.models.base import Treatment
from brochure.models.clinic import Clinic
from brochure.models.content import Contraindication, Protocol, Risk
from brochure.pdf.fetcher import SandboxedFetcher
from brochure.project import ClinicSite, Project, load_project
from brochure.scoping import treatment_of
from brochure.theme import short_date

HARBOR, LUMEN = CLINICS
SIGNATURES = ["sig_interpreter", "sig_patient", "sig_practitioner"]
"""The signature fields of every form; a clinic that asks for a witness adds sig_witness."""


def signature_names(clinic: Clinic) -> list[str]:
    return sorted([*SIGNATURES, *(["sig_witness"] if clinic.consent.witness else [])])
RISK_LABELS = {"common": "Common", "uncommon": "Less common", "rare": "Rare but serious"}
RADIO = 1 << 15
"""The /Ff bit of a radio button group."""
PUSHBUTTON = 1 << 16
MULTILINE = 1 << 12
TOLERANCE = 0.5
"""How far (in points) a field may sit from its box."""

Box = tuple[float, float, float, float]


# --- what a clinic's form is made of, from the models ------------------------------------------


@dataclass(frozen=True)
class Form:
    site: ClinicSite
    protocol_id: str
    protocol: Protocol
    risks: list[Risk]
    contraindications: list[Contraindication]


def form_of(project: Project, slug: str) -> Form:
    """The clinic's form as the models describe it: only the items true for its treatment."""
    site = project.clinics[slug]
    protocol, treatment = treatment_of(project.content, site.clinic)
    return Form(
        site, site.clinic.protocol, protocol,
        [risk for risk in project.content.risks.items if risk.applies_to(treatment)],
        [item for item in project.content.contraindications.items
         if item.applies_to(treatment)])


def expected_fields(project: Project, slug: str, pages: int) -> dict[str, str]:
    """Every documented field of the clinic's form (README, "fields"), name -> /FT."""
    form = form_of(project, slug)
    consent = project.content.consent
    assert consent.photos is not None
    text = {"patient_name", "patient_dob", "patient_id", "products_used", "screen_details",
            "patient_date",
            "patient_time", "practitioner_name", "practitioner_date", "interpreter_name",
            "interpreter_language", "interpreter_date"}
    text |= {f"risks_{risk.frequency}_initials" for risk in form.risks}
    text |= {f"initials_page_{number}" for number in range(1, pages + 1)}
    if form.site.clinic.consent.witness:
        text |= {"witness_name", "witness_date"}
    buttons = {f"screen_{item.id}" for item in form.contraindications}
    buttons |= {f"photo_{use.id}" for use in consent.photos.uses}
    buttons |= {f"confirm_{key}" for key, statement in consent.statements if statement}
    return ({name: "/Tx" for name in text} | {name: "/Btn" for name in buttons}
            | {name: "/Sig" for name in signature_names(form.site.clinic)})


# --- reading the form --------------------------------------------------------------------------


def top_fields(reader: PdfReader) -> dict[str, DictionaryObject]:
    """The fields listed in /AcroForm /Fields, by name (an error if a name repeats)."""
    fields: dict[str, DictionaryObject] = {}
    for reference in reader.trailer["/Root"]["/AcroForm"]["/Fields"]:
        field = reference.get_object()
        name = str(field.get("/T"))
        assert name not in fields, f"field {name} is listed twice in /AcroForm /Fields"
        fields[name] = field
    return fields


def on_state(widget: DictionaryObject) -> str:
    """The appearance state a button widget takes when it is on (/0, /on...)."""
    states = [name for name in widget.get_object()["/AP"]["/N"] if name != "/Off"]
    assert len(states) == 1, f"a button widget with on states {states}"
    return str(states[0])


def option(field: DictionaryObject, state: str) -> str:
    """What a radio button's state means: its /Opt entry, or the state's own name."""
    name = state.removeprefix("/")
    if "/Opt" in field and name.isdigit():
        return str(field["/Opt"][int(name)])
    return name


def radio_state(field: DictionaryObject, meaning: str) -> str:
    """The state of the radio button of ``field`` that means ``meaning`` (yes or no)."""
    for kid in field["/Kids"]:
        state = on_state(kid.get_object())
        if option(field, state) == meaning:
            return state
    raise AssertionError(f"{field.get('/T')} has no '{meaning}' button")


@dataclass(frozen=True)
class Widget:
    page: int
    """0-based."""
    rect: Box
    """left, bottom, right, top in points."""


def field_widgets(reader: PdfReader, kind: str | None = None) -> dict[str, Widget]:
    """The widget of each terminal field (name -> page, rectangle), found through the pages'
    /Annots; a widget whose /P names another page is an error."""
    widgets: dict[str, Widget] = {}
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if "/T" not in widget or (kind is not None and widget.get("/FT") != kind):
                continue
            if "/P" in widget:
                assert widget.raw_get("/P").idnum == page.indirect_reference.idnum, (
                    f"{widget['/T']}: /P is not the page whose /Annots hold it")
            x0, y0, x1, y1 = (float(value) for value in widget["/Rect"])
            name = str(widget["/T"])
            assert name not in widgets, f"{name} has more than one widget"
            widgets[name] = Widget(index, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return widgets


_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_MARKER = re.compile(r"^\s*(?:(?:[\u2022\u25e6\u25aa-]|\d{1,2}\.)\s)?\s*$")
"""A line with only a list marker ("• ", "3. ") or nothing."""


def form_text(path: Path, site: ClinicSite, document: str = "consent") -> str:
    """The text of every page without the running header and footer and the list markers
    (which pypdf gives at the end of each page), so that a paragraph split over two pages
    reads as one. Ligatures are spelled out."""
    control = site.clinic.documents[document]
    header = site.clinic.name.upper()
    kept = []
    for page in PdfReader(path).pages:
        for line in (page.extract_text() or "").splitlines():
            if _MARKER.match(line) or control.id in line or line.startswith(header):
                continue
            kept.append(line)
    return normalise(" ".join(kept).translate(_LIGATURES))


def found(text: str, value: str) -> bool:
    """Whether a content string is printed, rendered as its Markdown or as written."""
    return contains(text, printed(value)) or contains(text, value)


def plan_says(text: str, sessions: str, cadence: str) -> bool:
    """Whether ``text`` pairs a session count with its interval ("6 sessions, every 2 weeks")."""
    count = r"(?<![\d\u2013])" + re.escape(sessions) + r"(?![\d\u2013])"
    return re.search(rf"{count}.{{0,40}}?\bevery {re.escape(cadence)}\b", text,
                     flags=re.IGNORECASE) is not None


# --- the layout, straight from WeasyPrint ------------------------------------------------------


@functools.lru_cache(maxsize=8)
def laid_out_boxes(root: Path, slug: str) -> tuple[dict[str, tuple[int, Box]], int]:
    """Where WeasyPrint lays out the consent form's ``sig-*`` and ``page-initials`` boxes:
    id -> (0-based page, (left, bottom, right, top) in points), with the initials box as
    ``page-initials@N``; and the number of pages."""
    project = load_project(root)
    html = render_html(request_for(project, slug, "consent"))
    document = HTML(string=html, base_url=project.root.as_uri() + "/",
                    url_fetcher=SandboxedFetcher(project.root)).render(pdf_forms=True)
    boxes: dict[str, tuple[int, Box]] = {}
    for index, page in enumerate(document.pages):
        height = page.height * 0.75
        for anchor, (left, top, right, bottom) in page.anchors.items():
            if anchor.startswith("sig-") or anchor == "page-initials":
                key = anchor if anchor.startswith("sig-") else f"{anchor}@{index + 1}"
                assert key not in boxes, f"{anchor} is laid out on two pages"
                boxes[key] = (index, (left * 0.75, height - bottom * 0.75,
                                      right * 0.75, height - top * 0.75))
    return boxes, len(document.pages)


def assert_fields_over_their_boxes(pdf: Path, root: Path, slug: str) -> int:
    """Each /Sig field, and each page's initials field, lies over its laid-out box, on the
    same page. Returns the (0-based) page of the patient's signature."""
    reader = PdfReader(pdf)
    boxes, pages = laid_out_boxes(root, slug)
    assert len(reader.pages) == pages
    heights = {round(float(page.mediabox.height), 1) for page in reader.pages}
    assert len(heights) == 1
    signatures = field_widgets(reader, "/Sig")
    names = signature_names(load_project(root).clinics[slug].clinic)
    assert sorted(signatures) == names
    texts = field_widgets(reader, "/Tx")
    pairs = {name: name.replace("_", "-") for name in names}
    pairs |= {f"initials_page_{number}": f"page-initials@{number}"
              for number in range(1, pages + 1)}
    wrong = {}
    for name, anchor in pairs.items():
        assert anchor in boxes, f"no box {anchor} in the layout"
        page, box = boxes[anchor]
        widget = signatures.get(name) or texts.get(name)
        assert widget is not None, f"no field {name}"
        if widget.page != page or any(abs(a - b) > TOLERANCE
                                      for a, b in zip(widget.rect, box, strict=True)):
            wrong[name] = (f"field on page {widget.page + 1} at {_rounded(widget.rect)}",
                           f"box on page {page + 1} at {_rounded(box)}")
    assert not wrong, f"fields not over their boxes: {wrong}"
    return signatures["sig_patient"].page


def _rounded(box: Box) -> tuple[float, ...]:
    return tuple(round(value, 2) for value in box)


def assert_dashed_boxes_drawn(pdf: Path, scale: float = 4.0) -> None:
    """Rendered, each signature field's rectangle has the dashed border on its four edges,
    white just outside them, and a white middle."""
    widgets = field_widgets(PdfReader(pdf), "/Sig")
    document = pdfium.PdfDocument(str(pdf))
    try:
        images = {}
        for name, widget in widgets.items():
            if widget.page not in images:
                page = document[widget.page]
                images[widget.page] = (page.render(scale=scale).to_pil().convert("L"),
                                       page.get_height())
            image, height = images[widget.page]

            def ink(points: list[tuple[float, float]], image=image, height=height) -> float:
                """The share of non-white pixels at these points (in PDF points)."""
                values = [image.getpixel((int(x * scale), int((height - y) * scale)))
                          for x, y in points]
                return sum(value < 235 for value in values) / len(values)

            left, bottom, right, top = widget.rect
            xs = [left + (right - left) * k / 100 for k in range(5, 96)]
            ys = [bottom + (top - bottom) * k / 100 for k in range(10, 91)]
            inside, outside = 0.4, 1.5
            edges = {"top": [(x, top - inside) for x in xs],
                     "bottom": [(x, bottom + inside) for x in xs],
                     "left": [(left + inside, y) for y in ys],
                     "right": [(right - inside, y) for y in ys]}
            beyond = {"above": [(x, top + outside) for x in xs],
                      "below": [(x, bottom - outside) for x in xs],
                      "left of": [(left - outside, y) for y in ys],
                      "right of": [(right + outside, y) for y in ys]}
            middle = [(left + (right - left) * a / 10, bottom + (top - bottom) * b / 10)
                      for a in range(3, 8) for b in range(3, 8)]
            drawn = {edge: round(ink(points), 2) for edge, points in edges.items()}
            assert all(share >= 0.3 for share in drawn.values()), (
                f"{name}: no dashed border along the field's edges: {drawn}")
            stray = {side: round(ink(points), 2) for side, points in beyond.items()}
            assert all(share <= 0.05 for share in stray.values()), (
                f"{name}: ink just outside the field, the border is off its edges: {stray}")
            assert ink(middle) == 0, f"{name}: the middle of the box is not white"
    finally:
        document.close()


def double_the_risks(path: Path) -> None:
    """Add a copy of every risk to content.yaml, with a new id and the same protocols."""
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  items:\n", text.index("\nrisks:\n")) + len("\n  items:\n")
    end = re.compile(r"^\S", re.MULTILINE).search(text, start)
    assert end is not None
    block = text[start:end.start()].rstrip("\n") + "\n"
    copy = re.sub(r"^(    - id: )(\w+)$", r"\1\2_again", block, flags=re.MULTILINE)
    assert copy != block
    path.write_text(text[:start] + block + copy + "\n" + text[end.start():], encoding="utf-8")


# --- 1. the fields -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_consent_has_every_documented_field(shipped: Built, shipped_project: Project,
                                            slug: str) -> None:
    """Every field of the README's table, for the clinic's protocol, and no other: a radio
    group per applicable contraindication and per photo use, a checkbox per statement, the
    witness only where the clinic asks, initials on every page, and three /Sig fields."""
    reader = PdfReader(shipped.pdf(slug, "consent"))
    fields = reader.get_fields() or {}
    found_kinds = {name: str(field.get("/FT")) for name, field in fields.items()}
    expected = expected_fields(shipped_project, slug, len(reader.pages))
    missing = sorted(set(expected) - set(found_kinds))
    extra = sorted(set(found_kinds) - set(expected))
    assert not missing, f"fields missing from the {slug} consent form: {missing}"
    assert not extra, f"fields that are not documented: {extra}"
    wrong = {name: found_kinds[name] for name, kind in expected.items()
             if found_kinds[name] != kind}
    assert not wrong, f"fields of the wrong type: {wrong}"
    assert sorted(name for name, kind in found_kinds.items() if kind == "/Sig") == \
        signature_names(shipped_project.clinics[slug].clinic)
    # the seeds: Lumen's policy asks for a witness, Harbor's does not
    witness = {HARBOR: False, LUMEN: True}[slug]
    assert shipped_project.clinics[slug].clinic.consent.witness is witness
    assert ("witness_name" in fields) is witness
    assert ("witness_date" in fields) is witness
    assert {"screen_pregnancy", "screen_anticoagulants", "photo_record", "photo_teaching",
            "photo_marketing", "confirm_voluntary", "risks_rare_initials"} <= set(fields)


@pytest.mark.slow
def test_screening_follows_the_clinic_ingredients(project: Path) -> None:
    """A clinic that adds dutasteride to its mix gets the dutasteride questions, as radio
    groups, and the medicine's approval status."""
    path = project / "clinics" / HARBOR / "clinic.yaml"
    shared = load_project(project).content.protocols["injection"].ingredients
    mix = ", ".join([*shared, "dutasteride"])
    edit(path, r"^(protocol: \w+\n)", rf"\1overrides:\n  ingredients: [{mix}]\n")
    changed = load_project(project)
    form = form_of(changed, HARBOR)
    before = Treatment(protocol="injection", route="injected", ingredients=tuple(shared),
                       numbing=False)
    added = {f"screen_{item.id}" for item in form.contraindications} - {
        f"screen_{item.id}" for item in changed.content.contraindications.items
        if item.applies_to(before)}
    assert added == {"screen_dutasteride_pregnancy", "screen_dutasteride_blood_donation"}
    assert run_cli("check", "--project", project, "--clinic", HARBOR).exit_code == 0

    result = build(project, "--clinic", HARBOR, "--document", "consent")
    assert result.exit_code == 0, result.output
    pdf = project / "output" / HARBOR / "consent.en.pdf"
    reader = PdfReader(pdf)
    fields = reader.get_fields() or {}
    assert set(fields) == set(expected_fields(changed, HARBOR, len(reader.pages)))
    assert all(len(fields[name]["/Kids"]) == 2 for name in added)
    text = form_text(pdf, form.site)
    dutasteride = changed.content.ingredients["dutasteride"]
    for value in (dutasteride.name, dutasteride.routes["injected"].approval,
                  *(item.question or "" for item in form.contraindications
                    if f"screen_{item.id}" in added)):
        assert found(text, value), value


@pytest.mark.parametrize("slug", CLINICS)
def test_field_kinds(shipped: Built, slug: str) -> None:
    """Radio groups are radios, statements plain checkboxes, the details box multi-line."""
    fields = top_fields(PdfReader(shipped.pdf(slug, "consent")))
    flags = {name: int(field.get("/Ff", 0)) for name, field in fields.items()}
    radios = sorted(name for name in fields if name.startswith(("screen_", "photo_"))
                    and name != "screen_details")
    boxes = sorted(name for name in fields if name.startswith("confirm_"))
    assert radios and boxes
    assert [name for name in radios if not flags[name] & RADIO] == []
    assert [name for name in boxes if flags[name] & (RADIO | PUSHBUTTON)] == []
    assert all(fields[name]["/FT"] == "/Btn" for name in radios + boxes)
    assert flags["screen_details"] & MULTILINE
    for name in boxes:
        assert option(fields[name], on_state(fields[name])) not in ("", "Off")


@pytest.mark.parametrize("slug", CLINICS)
def test_radio_groups_are_one_field_with_a_yes_and_a_no_button(shipped: Built,
                                                               slug: str) -> None:
    """Each screen_/photo_ group is listed once, its two buttons are widgets (kids without a
    name of their own: no "screen_x.screen_x"), meaning yes and no, and none is chosen."""
    reader = PdfReader(shipped.pdf(slug, "consent"))
    names = list(reader.get_fields() or {})
    assert [name for name in names if "." in name] == []
    form = reader.trailer["/Root"]["/AcroForm"]
    references = {str(reference.get_object()["/T"]): reference
                  for reference in form.raw_get("/Fields").get_object()}
    listed = {reference.idnum for reference in references.values()}
    fields = top_fields(reader)
    radios = sorted(name for name in fields if name.startswith(("screen_", "photo_"))
                    and name != "screen_details")
    assert len(radios) >= 3
    for name in radios:
        field = fields[name]
        kids = list(field.raw_get("/Kids").get_object())
        assert len(kids) == 2, f"{name} has {len(kids)} buttons"
        assert not {kid.idnum for kid in kids} & listed, f"{name}: a button is also a field"
        for kid in kids:
            widget = kid.get_object()
            assert widget["/Subtype"] == "/Widget"
            assert "/T" not in widget, f"{name}: a button with its own name {widget['/T']}"
            assert widget.raw_get("/Parent").idnum == references[name].idnum
        meanings = [option(field, on_state(kid.get_object())) for kid in kids]
        assert meanings == ["yes", "no"], f"{name}: buttons mean {meanings}"
        assert str(field.get("/V", "/Off")) == "/Off", f"{name} is answered already"


# --- 2. filling in -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_fields_can_be_filled_and_read_back(shipped: Built, slug: str) -> None:
    """Fill a text field, the initials of a page, a checkbox and two radio groups with pypdf,
    save, and read the values back with a fresh reader."""
    source = shipped.pdf(slug, "consent")
    fields = top_fields(PdfReader(source))
    values = {
        "patient_name": "Ana Müller-Østergaard",
        "screen_details": "Aspirin 75 mg daily",
        "initials_page_2": "AM",
        "confirm_voluntary": on_state(fields["confirm_voluntary"]),
        "screen_pregnancy": radio_state(fields["screen_pregnancy"], "no"),
        "photo_marketing": radio_state(fields["photo_marketing"], "yes"),
    }
    writer = PdfWriter(clone_from=source)
    writer.update_page_form_field_values(None, values, auto_regenerate=False)
    buffer = BytesIO()
    writer.write(buffer)

    filled = PdfReader(BytesIO(buffer.getvalue()))
    read = filled.get_fields() or {}
    assert {name: read[name].get("/V") for name in values} == values
    again = top_fields(filled)
    for name, meaning in (("screen_pregnancy", "no"), ("photo_marketing", "yes")):
        chosen = [option(again[name], str(kid.get_object()["/AS"]))
                  for kid in again[name]["/Kids"] if kid.get_object()["/AS"] != "/Off"]
        assert chosen == [meaning], f"{name}: buttons on: {chosen}"
    assert read["confirm_questions"].get("/V", "/Off") == "/Off"
    assert not read["patient_dob"].get("/V")
    assert {name for name, field in read.items() if field.get("/FT") == "/Sig"} >= set(SIGNATURES)


# --- 3. signing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signing:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate

    def sign(self, pdf: bytes, field: str) -> bytes:
        output = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)),
                                  signers.PdfSignatureMetadata(field_name=field),
                                  signer=self.signer)
        return output.getvalue()

    def validate(self, pdf: bytes) -> dict[str, object]:
        """The status of each signature, by field name."""
        reader = PdfFileReader(BytesIO(pdf))
        return {signature.field_name: validate_pdf_signature(
            signature, ValidationContext(trust_roots=[self.certificate]))
            for signature in reader.embedded_signatures}


@pytest.fixture(scope="module")
def signing() -> Signing:
    """An RSA key and a self-signed certificate for signing, made for the test."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Patient")])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False,
                          key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    certificate = (x509.CertificateBuilder()
                   .subject_name(name).issuer_name(name)
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(usage, critical=True)
                   .sign(key, hashes.SHA256()))
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=private,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    return Signing(signer, cert)


def _empty_signature_fields(pdf: bytes) -> list[str]:
    fields = PdfReader(BytesIO(pdf)).get_fields() or {}
    return sorted(name for name, field in fields.items()
                  if field.get("/FT") == "/Sig" and field.get("/V") is None)


@pytest.mark.parametrize("slug", CLINICS)
def test_the_patient_field_can_be_signed_and_the_signature_is_valid(
        shipped: Built, shipped_project: Project, signing: Signing, slug: str) -> None:
    pdf = shipped.pdf(slug, "consent").read_bytes()
    signed = signing.sign(pdf, "sig_patient")
    assert signed.startswith(pdf), "signing must be an incremental update"
    statuses = signing.validate(signed)
    assert list(statuses) == ["sig_patient"]
    status = statuses["sig_patient"]
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    others = signature_names(shipped_project.clinics[slug].clinic)
    assert _empty_signature_fields(signed) == [name for name in others if name != "sig_patient"]


def test_a_filled_form_signed_by_patient_then_practitioner(shipped: Built,
                                                           signing: Signing) -> None:
    """The tablet's way: fill in, the patient signs, the practitioner signs after. Both
    signatures stay valid; the patient's covers its revision, and what came after it is no
    more than form filling and signing."""
    source = shipped.pdf(HARBOR, "consent")
    writer = PdfWriter(clone_from=source)
    writer.update_page_form_field_values(None, {"patient_name": "Ana Test",
                                                "patient_date": "2026-11-20"},
                                         auto_regenerate=False)
    buffer = BytesIO()
    writer.write(buffer)
    patient = signing.sign(buffer.getvalue(), "sig_patient")
    both = signing.sign(patient, "sig_practitioner")
    statuses = signing.validate(both)
    assert sorted(statuses) == ["sig_patient", "sig_practitioner"]
    for name, status in statuses.items():
        assert status.intact and status.valid, f"{name}: {status.pretty_print_details()}"
    assert statuses["sig_practitioner"].coverage == SignatureCoverageLevel.ENTIRE_FILE
    first = statuses["sig_patient"]
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level is not None
    assert first.modification_level <= ModificationLevel.FORM_FILLING
    assert _empty_signature_fields(both) == ["sig_interpreter"]
    assert (PdfReader(BytesIO(both)).get_fields() or {})["patient_name"].get("/V") == "Ana Test"


# --- 4. where the signature fields are ---------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_fields_lie_over_their_boxes(shipped: Built, slug: str) -> None:
    """Each /Sig field is the box of the element with the matching id (sig-patient...), and
    each page's initials field the page-initials box, as WeasyPrint lays them out."""
    page = assert_fields_over_their_boxes(shipped.pdf(slug, "consent"), shipped.root, slug)
    assert page == len(PdfReader(shipped.pdf(slug, "consent")).pages) - 1


@pytest.mark.parametrize("slug", CLINICS)
def test_the_signature_boxes_are_drawn_where_the_fields_are(shipped: Built, slug: str) -> None:
    assert_dashed_boxes_drawn(shipped.pdf(slug, "consent"))


@pytest.mark.slow
def test_fields_follow_the_layout_of_a_longer_form(shipped: Built, shipped_project: Project,
                                                   project: Path) -> None:
    """With twice as many risks the signatures move on (to a later page, or lower on the
    last one), and every field is still over its box."""
    double_the_risks(project / "content.yaml")
    doubled = load_project(project)
    assert len(doubled.content.risks.items) == 2 * len(shipped_project.content.risks.items)
    result = build(project, "--clinic", HARBOR, "--document", "consent")
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    pdf = project / "output" / HARBOR / "consent.en.pdf"
    assert_fields_over_their_boxes(pdf, project, HARBOR)
    after = PdfReader(pdf)
    was = field_widgets(PdfReader(shipped.pdf(HARBOR, "consent")), "/Sig")["sig_patient"]
    now = field_widgets(after, "/Sig")["sig_patient"]
    moved_on = now.page > was.page or (now.page == was.page and now.rect[3] < was.rect[3] - 10)
    assert moved_on, (f"the patient's signature did not move on: page {was.page + 1} at "
                      f"{was.rect[3]:.0f} pt, now page {now.page + 1} at {now.rect[3]:.0f} pt")
    names = set(after.get_fields() or {})
    assert set(expected_fields(doubled, HARBOR, len(after.pages))) == names
    assert_dashed_boxes_drawn(pdf)


# --- 5. the consent elements in the text -------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_every_consent_element_is_printed(shipped: Built, shipped_project: Project,
                                          slug: str) -> None:
    """C1-C16, from the models for the clinic's protocol."""
    content = shipped_project.content
    consent = content.consent
    form = form_of(shipped_project, slug)
    clinic = form.site.clinic
    protocol = form.protocol
    text = form_text(shipped.pdf(slug, "consent"), form.site)
    assert consent.photos is not None

    expected: list[tuple[str, str]] = [
        ("C1 clinic", clinic.name),
        ("C2 procedure", protocol.name.lower()), ("C2 technique", protocol.technique),
        ("C2 purpose", protocol.purpose), ("C2 area", protocol.area),
        ("C2 maintenance", protocol.maintenance),
        ("C5 no guarantee", content.expectations.no_guarantee),
        ("C16 red flags", content.red_flags.heading), ("C16 red flags", content.red_flags.urgent),
        ("C16 whom to call", clinic.phone), ("C16 out of hours", clinic.out_of_hours),
        ("C14 photos", consent.photos.intro), ("C14 photos", consent.photos.withdraw),
    ]
    if protocol.minimum_sessions is not None:
        expected.append(("C2 sessions", f"At least {protocol.minimum_sessions} in all"))
    expected += [("C2 reviews", str(point)) for point in clinic.review.at]
    expected += [("C2 numbing", value) for value in (
        [clinic.numbing.product, str(clinic.numbing.wait)] if clinic.numbing
        else [protocol.without_numbing or ""])]
    for name in protocol.ingredients:
        ingredient = content.ingredients[name]
        expected += [("C3 products", ingredient.name),
                     ("C3 approval", ingredient.routes[protocol.route].approval)]
    treatment = treatment_of(content, clinic)[1]
    expected += [("C4 benefits", item.text) for item in content.expectations.benefits
                 if item.applies_to(treatment)]
    expected += [("C4 limits", item.text) for item in content.expectations.limits
                 if item.applies_to(treatment)]
    expected += [("C6 risks", risk.name) for risk in form.risks]
    expected += [("C6 does not work", risk.description)
                 for risk in form.risks if risk.treatment_failure]
    expected += [("C7 alternatives", item.name) for item in content.alternatives.items]
    expected += [("screening", item.question or "") for item in form.contraindications]
    expected += [("statement", text) for _, text in consent.statements if text]
    expected += [("C14 photo use", use.text) for use in consent.photos.uses]
    expected += [("C16 red flag", sign.text) for sign in content.red_flags.signs
                 if sign.applies_to(treatment)]
    expected += [("C11 practitioner", consent.practitioner or ""),
                 ("C13 interpreter", consent.interpreter or "")]
    expected += [("C11 practitioner", person.name) for person in clinic.practitioners]
    if clinic.consent.witness:
        expected.append(("C13 witness", consent.witness or ""))
    missing = [(element, value) for element, value in expected if not found(text, value)]
    assert not missing, f"not in the {slug} consent form: {missing}"

    for phase in protocol.phases:
        assert plan_says(text, str(phase.sessions), phase.interval.cadence), (
            f"{phase.name}: '{phase.sessions}' sessions every '{phase.interval.cadence}'")
    assert any(risk.treatment_failure for risk in form.risks)
    kinds = {item.id: item.kind for item in content.alternatives.items}
    assert kinds["minoxidil"] == kinds["finasteride"] == "licensed_medicine"
    assert kinds["no_treatment"] == "no_treatment"
    # C10: the clinic's own cooling-off period (seed: 7 days at Harbor, 14 at Lumen)
    cooling_off = str(clinic.consent.cooling_off)
    assert cooling_off == {HARBOR: "7 days", LUMEN: "14 days"}[slug]
    assert contains(text, f"at least {cooling_off}"), cooling_off
    if not clinic.consent.witness:
        assert not found(text, consent.witness or "I saw the patient sign")


@pytest.mark.parametrize("slug", CLINICS)
def test_risks_are_printed_under_their_frequency(shipped: Built, shipped_project: Project,
                                                 slug: str) -> None:
    """"Common", "Uncommon", "Rare but serious": each heading, then its own risks, then the
    initials line of that group; a risk of another group is not among them."""
    form = form_of(shipped_project, slug)
    text = form_text(shipped.pdf(slug, "consent"), form.site)
    squashed = re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)

    def sq(value: str) -> str:
        return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", printed(value))

    position = squashed.index(sq(shipped_project.content.risks.intro))
    groups = [(frequency, [risk for risk in form.risks if risk.frequency == frequency])
              for frequency in RISK_LABELS]
    groups = [(frequency, risks) for frequency, risks in groups if risks]
    assert [frequency for frequency, _ in groups] == ["common", "uncommon", "rare"]
    for frequency, risks in groups:
        label = RISK_LABELS[frequency]
        end = squashed.index(sq(f"I have read these {label.lower()} risks"), position)
        chunk = squashed[position:end]
        assert sq(label) in chunk, f"no '{label}' heading before its initials line"
        heading = chunk.index(sq(label))
        misplaced = [risk.name for risk in risks if sq(risk.name + ".") not in chunk[heading:]]
        assert not misplaced, f"not under '{label}': {misplaced}"
        strangers = [risk.name for risk in form.risks
                     if risk.frequency != frequency and sq(risk.name + ".") in chunk]
        assert not strangers, f"under '{label}' but not {frequency}: {strangers}"
        position = end


# --- 6. document control -----------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_every_page_footer_carries_the_document_control(shipped: Built,
                                                        shipped_project: Project,
                                                        slug: str, document: str) -> None:
    """Document id, "version" + version, the short effective date in the clinic's locale and
    "Page X of Y" on every page; the digest of the inputs is in the PDF's metadata (with the
    id, version and status), never printed: it means nothing to a patient."""
    site = shipped_project.clinics[slug]
    control = site.clinic.documents[document]
    date = short_date(control.effective, site.clinic.locale or "en")
    digest = request_for(shipped_project, slug, document).inputs
    reader = PdfReader(shipped.pdf(slug, document))
    wanting = {}
    for number, page in enumerate(reader.pages, start=1):
        text = normalise(page.extract_text() or "")
        missing = [item for item in (control.id, f"version {control.version}", date,
                                     f"Page {number} of {len(reader.pages)}")
                   if item not in text]
        squashed = re.sub(r"\s+", "", text).lower()
        if "inputs" in text or any(digest[start:start + 8] in squashed for start in range(57)):
            missing.append("no hash printed")
        if missing:
            wanting[number] = missing
    assert not wanting, (f"{slug} {document} ({len(reader.pages)} pages): pages without "
                         f"their document control: {wanting}")
    info = reader.metadata
    assert info is not None
    assert info["/inputssha256"] == digest
    assert (info["/documentid"], info["/documentversion"], info["/documentstatus"]) == (
        control.id, control.version, control.status)


def test_approved_documents_carry_no_draft_mark(shipped: Built) -> None:
    for slug, document in PAIRS:
        assert "DRAFT" not in pdf_text(shipped.pdf(slug, document)), (slug, document)


@pytest.mark.slow
def test_the_inputs_hash_follows_the_clinic_file(shipped: Built, project: Path) -> None:
    """The same inputs in another folder carry the same hash; a new phone number, another; and
    the manifest records the hash the PDF carries."""
    def printed_hashes(pdf: Path) -> set[str]:
        info = PdfReader(pdf).metadata
        assert info is not None
        return {str(info["/inputssha256"])}

    shipped_hashes = printed_hashes(shipped.pdf(HARBOR, "consent"))
    assert len(shipped_hashes) == 1
    pdf = project / "output" / HARBOR / "consent.en.pdf"
    result = build(project, "--clinic", HARBOR, "--document", "consent")
    assert result.exit_code == 0, result.output
    assert printed_hashes(pdf) == shipped_hashes
    manifest = json.loads((project / "output" / "manifest.json").read_text(encoding="utf-8"))
    recorded = {entry["inputs"] for entry in manifest["documents"]
                if entry["path"] == f"{HARBOR}/consent.en.pdf"}
    assert recorded == shipped_hashes

    edit(project / "clinics" / HARBOR / "clinic.yaml", r"^phone:.*$", 'phone: "+1 (207) 555-0100"')
    result = build(project, "--clinic", HARBOR, "--document", "consent")
    assert result.exit_code == 0, result.output
    assert contains(pdf_text(pdf), "+1 (207) 555-0100")
    changed = printed_hashes(pdf)
    assert len(changed) == 1
    assert changed != shipped_hashes


def _set_status(path: Path, document: str, status: str) -> int:
    """Set documents.<document>.status in a clinic.yaml; returns the line of the status."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^  {document}:\n(?:    .*\n)*?(    status: )(\w+)", text, re.MULTILINE)
    assert match, f"test set-up: no status for {document} in {path}"
    path.write_text(text[:match.start(2)] + status + text[match.end(2):], encoding="utf-8")
    return text.count("\n", 0, match.start(1)) + 1


@pytest.mark.slow
@pytest.mark.parametrize(("slug", "document"), [(HARBOR, "consent"), (LUMEN, "brochure")])
def test_a_draft_is_marked_on_every_page_and_refused_by_a_release(
        project: Path, slug: str, document: str) -> None:
    clinic_file = project / "clinics" / slug / "clinic.yaml"
    line = _set_status(clinic_file, document, "draft")
    control = load_project(project).clinics[slug].clinic.documents[document]
    assert control.status == "draft"

    released = build(project, "--release")
    assert released.crash is None, released.crash
    assert released.exit_code == 1, released.output
    assert f"clinics/{slug}/clinic.yaml:{line}:" in released.output, released.output
    assert control.id in released.output
    out = project / "output"
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))

    result = build(project, "--clinic", slug, "--document", document)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    pages = PdfReader(out / slug / f"{document}.en.pdf").pages
    unmarked = [number for number, page in enumerate(pages, start=1)
                if "DRAFT" not in (page.extract_text() or "")]
    assert not unmarked, f"pages without the DRAFT mark: {unmarked} of {len(pages)}"


def test_an_approved_document_needs_its_approver(project: Path) -> None:
    """`status: approved` without `approved_by` is a validation error at the document's
    lines (its key or its status) in clinic.yaml."""
    path = project / "clinics" / HARBOR / "clinic.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^  consent:\n(?:    .*\n)*?(    approved_by: .*\n)", text, re.MULTILINE)
    assert match
    path.write_text(text[:match.start(1)] + text[match.end(1):], encoding="utf-8")
    block = line_of(path, r"^  consent:$")
    status = block + next(index for index, line in enumerate(
        path.read_text(encoding="utf-8").splitlines()[block - 1:]) if "status:" in line)
    for result in (run_cli("check", "--project", project),
                   build(project, "--clinic", HARBOR, "--document", "consent")):
        assert result.crash is None, result.crash
        assert result.exit_code == 1, result.output
        located = [line for line in result.output.splitlines() if "approved_by" in line and
                   re.search(rf"clinics/{HARBOR}/clinic\.yaml:({block}|{status}):", line)]
        assert located, result.output
        assert "documents.consent" in located[0]
    assert not (project / "output" / HARBOR / "consent.en.pdf").exists()


# --- 8. reproducible bytes ---------------------------------------------------------------------


def test_a_consent_form_rebuilt_later_is_byte_identical(shipped: Built, tmp_path: Path) -> None:
    """No clock and no random file id in the signature-field step."""
    time.sleep(max(0.0, shipped.finished + 1.1 - time.time()))
    out = tmp_path / "again"
    result = build(shipped.root, "--clinic", HARBOR, "--document", "consent", "--out", out)
    assert result.exit_code == 0, result.output
    again = (out / HARBOR / "consent.en.pdf").read_bytes()
    assert again == shipped.pdf(HARBOR, "consent").read_bytes()
    info = PdfReader(BytesIO(again)).metadata
    assert info is not None
    assert str(info["/ModDate"]).startswith("D:20261201")


@pytest.mark.slow
def test_a_consent_form_built_in_a_new_process_is_byte_identical(shipped: Built,
                                                                 tmp_path: Path) -> None:
    time.sleep(max(0.0, shipped.finished + 1.1 - time.time()))
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    out = tmp_path / "fresh"
    process = subprocess.run(
        [sys.executable, "-m", "brochure", "build", "--project", str(shipped.root),
         "--clinic", LUMEN, "--document", "consent", "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    fresh = (out / LUMEN / "consent.en.pdf").read_bytes()
    assert fresh == shipped.pdf(LUMEN, "consent").read_bytes()
