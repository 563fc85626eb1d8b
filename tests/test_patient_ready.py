"""Documents a patient can use and a clinical lead can sign: true for the clinic's own
treatment, type older readers can read, forms to fill in by hand, a one-page aftercare sheet.

Everything is read back from the PDFs (pypdf for text and fields, pdfminer for type sizes,
pypdfium2 for pixels) or from the HTML given to the renderer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import (
    CLINICS,
    DOCUMENTS,
    PAIRS,
    Built,
    build,
    contains,
    delete_key,
    edit,
    line_of,
    pdf_text,
    printed,
    request_for,
    run_cli,
)
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTAnno, LTChar, LTTextLine
from pypdf import PdfReader

from brochure.checks.printed import read_printed
from brochure.documents.html import render_html
from brochure.graphics.qr import qr_data_uri
from brochure.models.base import Scoped
from brochure.project import Project, load_project
from brochure.scoping import treatment_of

HARBOR, LUMEN = CLINICS
MM = 72 / 25.4
"""Points in a millimetre."""


# --- what the content says for one protocol only --------------------------------------------


def _scoped_texts(project: Project) -> list[tuple[list[str], str]]:
    """(protocols, printed text) of every scoped content item that has a text."""
    found: list[tuple[list[str], str]] = []

    def walk(value: object) -> None:
        if isinstance(value, Scoped):
            for name in ("text", "description", "action"):
                text = getattr(value, name, None)
                if isinstance(text, str):
                    found.append((value.protocols, printed(text)))
                    break
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif hasattr(type(value), "model_fields"):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    walk(project.content)
    return found


def only_for(project: Project, protocol: str) -> list[str]:
    """For each content item limited to ``protocol``, its longest sentence that no item
    printed for another protocol also says."""
    items = _scoped_texts(project)
    elsewhere = {sentence for protocols, text in items if protocols != [protocol]
                 for sentence in re.split(r"(?<=[.?!])\s+", text)}
    found = []
    for protocols, text in items:
        own = [sentence for sentence in re.split(r"(?<=[.?!])\s+", text)
               if sentence not in elsewhere]
        if protocols == [protocol] and own:
            found.append(max(own, key=len))
    return found


def test_each_protocol_has_facts_of_its_own(shipped_project: Project) -> None:
    """The shipped content says different things for the two treatments, where it should."""
    injection, microneedling = (only_for(shipped_project, protocol)
                                for protocol in ("injection", "microneedling"))
    assert len(injection) >= 8 and len(microneedling) >= 8, (injection, microneedling)
    assert any("541 people" in sentence for sentence in injection)


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_a_document_prints_nothing_true_only_of_another_treatment(
        shipped: Built, shipped_project: Project, slug: str, document: str) -> None:
    own = shipped_project.clinics[slug].clinic.protocol
    other = {"injection": "microneedling", "microneedling": "injection"}[own]
    text = pdf_text(shipped.pdf(slug, document))
    foreign = [sentence for sentence in only_for(shipped_project, other)
               if contains(text, sentence)]
    assert not foreign, f"{slug} {document} ({own}) prints {other}-only text: {foreign}"
    if document == "brochure":
        mine = [sentence for sentence in only_for(shipped_project, own)
                if contains(text, sentence)]
        assert len(mine) >= 5, mine


def test_the_microneedling_documents_cite_no_study_of_injections(shipped: Built,
                                                                  shipped_project: Project
                                                                  ) -> None:
    """No injection study, no pain figure from injections, no outbreak from shared bottles: a
    study of another route is not evidence about microneedling, even labelled."""
    injected = [source.citation.split(".")[0] for source in
                shipped_project.content.sources.values() if source.route == "injected"]
    for document in DOCUMENTS:
        text = pdf_text(shipped.pdf(LUMEN, document))
        for wrong in ("45 in every 100", "541", "shared drug bottles", "Studied: injections"):
            assert not contains(text, wrong), (document, wrong)
        assert not [author for author in injected if contains(text, author)], document
    brochure = pdf_text(shipped.pdf(LUMEN))
    assert contains(brochure, "We found no good study of microneedling with hyaluronic acid")
    assert contains(pdf_text(shipped.pdf(HARBOR)), "Studied: injections into the skin.")


def test_injected_hyaluronic_acid_is_not_called_a_cosmetic(shipped: Built) -> None:
    """Injected, it is a medical device in the EU; only what goes on the skin is a cosmetic."""
    for document in ("brochure", "consent"):
        injection = pdf_text(shipped.pdf(HARBOR, document))
        assert not contains(injection, "sold as a cosmetic"), document
        assert contains(injection, "It is not a cosmetic when it is given by needle."), document
        microneedling = pdf_text(shipped.pdf(LUMEN, document))
        assert contains(microneedling, "sold as a cosmetic, to put on the skin"), document
        assert contains(microneedling, "not tested for use with microneedling"), document


@pytest.mark.slow
def test_switching_a_clinic_protocol_switches_every_fact(project: Path) -> None:
    """Harbor made a microneedling clinic in a copy: its three documents lose every
    injection-only sentence and gain the microneedling ones, with its own numbing cream."""
    path = project / "clinics" / HARBOR / "clinic.yaml"
    edit(path, r"^protocol: injection\n",
         "protocol: microneedling\nnumbing:\n  product: Numbo gel\n  wait: 30 minutes\n")
    switched = load_project(project)
    result = build(project, "--clinic", HARBOR)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    for document in DOCUMENTS:
        text = pdf_text(project / "output" / HARBOR / f"{document}.en.pdf")
        foreign = [sentence for sentence in only_for(switched, "injection")
                   if contains(text, sentence)]
        assert not foreign, (document, foreign)
        for wrong in ("45 in every 100", "Studied: injections", "20 minutes"):
            assert not contains(text, wrong), (document, wrong)
    brochure = pdf_text(project / "output" / HARBOR / "brochure.en.pdf")
    assert contains(brochure, "Numbo gel") and contains(brochure, "30 minutes")
    assert contains(brochure, "tretinoin")  # the retinoid step of microneedling
    mine = [sentence for sentence in only_for(switched, "microneedling")
            if contains(brochure, sentence)]
    assert len(mine) >= 5, mine


# --- check: scope problems, with file and line ----------------------------------------------


def _check_json(root: Path) -> tuple[int, dict]:
    result = run_cli("check", "--project", root, "--format", "json")
    assert result.crash is None, result.crash
    return result.exit_code, json.loads(result.stdout)


def _located(report: dict, rule: str) -> set[tuple[str, int]]:
    return {(finding["file"], finding["line"]) for finding in report["findings"]
            if finding["rule"] == rule}


def test_a_study_of_another_route_is_refused_at_its_line(project: Path) -> None:
    """A pain figure from injections cited on a sentence every protocol prints."""
    path = project / "content.yaml"
    edit(path, r"^(    - It does not work for everyone\. .*)\n",
         "    - text: It does not work for everyone.\n      sources: [saceda2022]\n")
    line = line_of(path, r"^      sources: \[saceda2022\]$")
    code, report = _check_json(project)
    assert code == 1
    assert _located(report, "scope.route") == {("content.yaml", line)}
    message = next(f["message"] for f in report["findings"] if f["rule"] == "scope.route")
    assert "'saceda2022' studied injections into the skin" in message
    assert "'microneedling'" in message and "protocols: [injection]" in message
    result = build(project)
    assert result.exit_code == 1 and f"content.yaml:{line}:" in result.output, result.output
    assert not (project / "output").exists() or not list((project / "output").rglob("*.pdf"))


def test_an_item_no_protocol_can_print_is_refused(project: Path) -> None:
    """Dutasteride is given by injection only: a microneedling item about it prints nowhere."""
    path = project / "content.yaml"
    edit(path, r"^(    - id: dutasteride_blood_donation\n)",
         r"\1      protocols: [microneedling]\n")
    line = line_of(path, r"^    - id: dutasteride_blood_donation$")
    code, report = _check_json(project)
    assert code == 1
    assert _located(report, "scope.nowhere") == {("content.yaml", line)}


def test_a_protocol_without_a_required_item_is_refused(project: Path) -> None:
    """The only "what is known" item of microneedling given to injections instead."""
    path = project / "content.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("        We found no good study of microneedling with hyaluronic acid")
    block = text.rindex("      protocols: [microneedling]", 0, start + 400)
    assert block > start
    path.write_text(text[:block] + "      protocols: [injection]" +
                    text[block + len("      protocols: [microneedling]"):], encoding="utf-8")
    code, report = _check_json(project)
    assert code == 1
    assert _located(report, "scope.missing") == {
        ("content.yaml", line_of(path, r"^  known:$"))}
    assert "'microneedling'" in next(f["message"] for f in report["findings"]
                                     if f["rule"] == "scope.missing")


def test_no_downtime_beside_days_of_aftercare_is_an_error(project: Path) -> None:
    path = project / "content.yaml"
    edit(path, r"^(    recovery: >-\n      You can go back to your day straight away\.)",
         r"    recovery: >-\n      There is no downtime. You can go back to your day straight"
         r" away.")
    code, report = _check_json(project)
    assert code == 1
    found = [f for f in report["findings"] if f["rule"] == "consistency.downtime"]
    assert found and {f["clinic"] for f in found} == {LUMEN}
    assert found[0]["file"] == "content.yaml"


# --- the facts a patient needs -----------------------------------------------------------------


@pytest.mark.slow
def test_the_whole_course_cost_is_worked_out_from_the_clinic_price(project: Path) -> None:
    """10 to 11 sessions at $400 make $4,000 to $4,400, in the brochure and the consent."""
    edit(project / "clinics" / HARBOR / "clinic.yaml", r"^  session: 350$", "  session: 400")
    result = build(project, "--clinic", HARBOR, "--document", "brochure",
                   "--document", "consent")
    assert result.exit_code == 0, result.output
    for document in ("brochure", "consent"):
        text = pdf_text(project / "output" / HARBOR / f"{document}.en.pdf")
        assert contains(text, "$4,000\N{EN DASH}$4,400"), document
        assert contains(text, "$350"), document  # top-ups keep their own price


@pytest.mark.parametrize("slug", CLINICS)
def test_review_and_stop_rule_are_in_the_brochure_and_the_consent(
        shipped: Built, shipped_project: Project, slug: str) -> None:
    clinic = shipped_project.clinics[slug].clinic
    assert [str(point) for point in clinic.review.at] == ["3 months", "6 months"]
    for document in ("brochure", "consent"):
        text = pdf_text(shipped.pdf(slug, document))
        assert contains(text, "3 months and 6 months"), document
        assert contains(text, "advise you to stop"), document


def test_a_microneedling_clinic_must_name_its_numbing_product(project: Path) -> None:
    path = project / "clinics" / LUMEN / "clinic.yaml"
    line = delete_key(path, r"^numbing:")
    result = build(project, "--clinic", LUMEN)
    assert result.crash is None, result.crash
    assert result.exit_code == 1
    assert f"clinics/{LUMEN}/clinic.yaml:" in result.output
    assert "numbing.product" in result.output and "numbing.wait" in result.output
    assert line > 1


@pytest.mark.parametrize("slug", CLINICS)
def test_the_brochure_follows_the_patient_questions(shipped: Built, shipped_project: Project,
                                                     slug: str) -> None:
    """What it is; is it for me (diagnosis first); what it may do and the evidence; risks;
    other options; plan and cost; before; after; when to get help; sources."""
    content = shipped_project.content
    order = [content.overview.heading, content.diagnosis.heading,
             content.contraindications.heading, content.evidence.heading,
             content.risks.heading, content.alternatives.heading, "Your plan and its cost",
             content.preparation.heading, content.aftercare.heading, content.red_flags.heading,
             "Sources"]
    reader = PdfReader(shipped.pdf(slug))
    pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    body = " ".join(pages[1:])  # the cover lists the chapters in the same order
    positions = [body.find(heading) for heading in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    for sign in content.diagnosis.see_a_doctor.signs:
        assert contains(body, printed(sign)), sign


# --- type older readers can read ---------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    page: int
    chars: list[tuple[str, float]]
    """Each character (a ligature may be two letters) and its size in points."""


def lines_of(pdf: Path) -> list[Line]:
    """Every line of text with the size of each of its characters (pdfminer); a wide gap
    starts another line, since pdfminer joins the cells of a table row."""
    lines = []
    for number, page in enumerate(extract_pages(str(pdf), laparams=LAParams()), start=1):
        stack = list(page)
        while stack:
            item = stack.pop()
            if isinstance(item, LTTextLine):
                chars: list[tuple[str, float]] = []
                right = None
                for char in item:
                    if not isinstance(char, LTChar):
                        continue
                    if right is not None and char.x0 - right > 0.6 * char.size and chars:
                        lines.append(Line(number, chars))  # another column's text
                        chars = []
                    chars.append((char.get_text(), char.size))
                    right = char.x1
                if chars:
                    lines.append(Line(number, chars))
            elif hasattr(item, "__iter__"):
                stack.extend(item)
    return lines


@pytest.mark.parametrize(("slug", "document"), PAIRS)
def test_type_sizes_meet_clear_print(shipped: Built, slug: str, document: str) -> None:
    """Body text 12 pt (the most common size), nothing under 8 pt, footers and sources
    included; a line of body text holds at most 70 characters."""
    lines = lines_of(shipped.pdf(slug, document))
    sizes = Counter(round(size, 1) for line in lines for _, size in line.chars)
    assert sizes.most_common(1)[0][0] == 12.0, sizes.most_common(4)
    assert min(sizes) >= 8.0, sorted(sizes)[:3]
    long = []
    for line in lines:
        body = "".join(char for char, size in line.chars if size >= 11.5)
        words = body.split()
        if len(words) > 3 and len(body.strip()) > 70:
            long.append((line.page, len(body.strip()), body.strip()))
    assert not long, long[:5]


@pytest.mark.parametrize("slug", CLINICS)
def test_captions_and_drawing_labels_print_at_body_size(shipped: Built, slug: str) -> None:
    """The words a reader needs to use a picture or a table are as large as the body text."""
    chars: list[tuple[str, float]] = []

    def walk(item: object) -> None:  # in reading order, a space after each line
        if isinstance(item, LTChar):
            chars.append((item.get_text(), item.size))
        elif isinstance(item, LTAnno):
            chars.append((item.get_text(), 0.0))
        elif hasattr(item, "__iter__"):
            for child in item:
                walk(child)
            if isinstance(item, LTTextLine):
                chars.append((" ", 0.0))

    for page in extract_pages(str(shipped.pdf(slug)), laparams=LAParams()):
        walk(page)
    text = "".join(char for char, _ in chars)
    sizes_at = [size for char, size in chars for _ in char]  # a ligature is one glyph, two letters
    for phrase in ["Filled dots are planned sessions", "Progress check", "Top layer of skin",
                   "tick once at the end of day 7", "Last check: go on, or stop"]:
        found = re.search(r"\s+".join(map(re.escape, phrase.split())), text)
        assert found, phrase
        sizes = {round(size, 1) for char, size in
                 zip(text[found.start():found.end()], sizes_at[found.start():found.end()],
                     strict=True) if char.strip()}
        assert min(sizes) >= 12.0, (phrase, sorted(sizes))


@pytest.mark.parametrize("slug", CLINICS)
def test_the_cover_uses_its_space(shipped: Built, slug: str) -> None:
    """The key facts and the contents fill the cover: ink reaches its last fifth."""
    document = pdfium.PdfDocument(str(shipped.pdf(slug)))
    try:
        image = document[0].render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()
    width, height = image.size
    footer = int(height * 0.94)  # the document-control footer
    inked = [row for row in range(footer) if any(
        image.getpixel((column, row)) < 200 for column in range(0, width, 3))]
    assert max(inked) > 0.8 * height, f"cover ends at {max(inked) / height:.0%} of the page"


def test_a_cover_that_runs_over_is_refused(project: Path) -> None:
    """A cover with more than a page of facts fails its document instead of spilling."""
    sentence = "Scalp injections have only been tested in small or weak studies."
    edit(project / "content.yaml", rf"^(\s+){sentence}", rf"\1{' '.join([sentence] * 14)}")
    result = build(project, "--clinic", HARBOR, "--document", "brochure")
    assert result.crash is None, result.crash
    assert result.exit_code == 1
    assert "the cover runs over onto a second page" in result.output
    assert not (project / "output" / HARBOR / "brochure.en.pdf").exists()


# --- pictures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_the_brochure_draws_where_its_treatment_acts(shipped: Built, shipped_project: Project,
                                                     slug: str) -> None:
    """A labelled scalp diagram for the clinic's protocol, with its caption and alt text."""
    project = shipped_project
    protocol, _ = treatment_of(project.content, project.clinics[slug].clinic)
    root = read_printed(render_html(request_for(project, slug, "brochure"))).root
    figure = next(element for element in root.iter("figure")
                  if "diagram" in (element.get("class") or ""))
    svg = next(element for element in figure.iter() if element.tag.endswith("svg"))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == " ".join(protocol.diagram.alt.split())
    caption = "".join(next(figure.iter("figcaption")).itertext())
    assert " ".join(caption.split()) == " ".join(printed(protocol.diagram.caption).split())
    labels = project.content.how_it_works.diagram_labels
    own = {"injected": ("needle", "drops"), "microneedling": ("device", "channels")}
    text = pdf_text(shipped.pdf(slug))
    for key in ("epidermis", "dermis", "fat", "hair_root", *own[protocol.route]):
        assert contains(text, labels[key]), key
    other = own["microneedling" if protocol.route == "injected" else "injected"]
    assert not any(contains(text, labels[key]) for key in other)


@pytest.mark.parametrize("slug", CLINICS)
def test_every_step_carries_its_do_or_avoid_sign(shipped_project: Project, slug: str) -> None:
    project = shipped_project
    treatment = treatment_of(project.content, project.clinics[slug].clinic)[1]
    root = read_printed(render_html(request_for(project, slug, "brochure"))).root
    signs = [svg.get("aria-label") for checklist in root.iter()
             if "checklist" in (checklist.get("class") or "").split()
             for item in checklist.iter() if item.tag in ("li", "tr")
             for svg in item.iter() if svg.tag.endswith("svg")]
    steps = [*project.content.preparation.steps, *project.content.aftercare.steps]
    assert signs == [step.kind.capitalize() for step in steps if step.applies_to(treatment)]
    assert {"Do", "Avoid"} <= set(signs)


# --- consent forms filled in by hand -------------------------------------------------------------


@dataclass(frozen=True)
class Widget:
    name: str
    page: int
    width: float
    height: float
    kind: str


def widgets(pdf: Path) -> list[Widget]:
    """Every field widget, kids too, with its field's name and kind."""
    reader = PdfReader(pdf)
    found = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            field = widget["/Parent"].get_object() if "/Parent" in widget else widget
            x0, y0, x1, y1 = (float(value) for value in widget["/Rect"])
            found.append(Widget(str(field.get("/T")), index, abs(x1 - x0), abs(y1 - y0),
                                str(field.get("/FT"))))
    return found


@pytest.mark.parametrize("slug", CLINICS)
def test_consent_fields_are_sized_for_handwriting(shipped: Built, slug: str) -> None:
    """Lines at least 7.5 mm high, initials boxes 20 mm wide, the date of birth 38 mm, tick
    boxes 5 mm."""
    found = widgets(shipped.pdf(slug, "consent"))
    texts = [widget for widget in found if widget.kind == "/Tx"]
    low = [(w.name, round(w.height / MM, 1)) for w in texts if w.height < 7.5 * MM]
    assert not low, low
    initials = [w for w in texts if "initials" in w.name]
    assert len(initials) >= 4
    assert not [(w.name, round(w.width / MM, 1)) for w in initials if w.width < 20 * MM]
    dob = [w for w in texts if w.name == "patient_dob"]
    assert dob and not [round(w.width / MM, 1) for w in dob if w.width < 38 * MM]
    ticks = [w for w in found if w.kind == "/Btn"]
    assert len(ticks) >= 20
    small = [(w.name, round(w.width / MM, 1)) for w in ticks
             if min(w.width, w.height) < 5 * MM]
    assert not small, small


@pytest.mark.parametrize("slug", CLINICS)
def test_every_consent_page_carries_the_patient_name_and_date_of_birth(shipped: Built,
                                                                       slug: str) -> None:
    """One field each, shown on every page: typed once, printed on all; written by hand on
    each printed page."""
    pdf = shipped.pdf(slug, "consent")
    pages = len(PdfReader(pdf).pages)
    found = widgets(pdf)
    for name in ("patient_name", "patient_dob"):
        assert sorted({w.page for w in found if w.name == name}) == list(range(pages)), name
    fields = PdfReader(pdf).get_fields() or {}
    assert len(fields["patient_name"]["/Kids"]) == pages


@pytest.mark.parametrize("slug", CLINICS)
def test_each_signature_is_on_the_page_of_what_it_signs(shipped: Built,
                                                        shipped_project: Project,
                                                        slug: str) -> None:
    consent = shipped_project.content.consent
    pdf = shipped.pdf(slug, "consent")
    reader = PdfReader(pdf)
    found = widgets(pdf)
    page_of = {w.name: w.page for w in found if w.kind == "/Sig"}
    patient = page_of["sig_patient"]
    assert {w.page for w in found if w.name.startswith("confirm_")} == {patient}
    patient_text = " ".join((reader.pages[patient].extract_text() or "").split())
    if shipped_project.clinics[slug].clinic.consent.witness:
        assert contains(patient_text, consent.witness or "?")
    for name, statement in (("sig_practitioner", consent.practitioner),
                            ("sig_interpreter", consent.interpreter)):
        text = " ".join((reader.pages[page_of[name]].extract_text() or "").split())
        assert contains(text, printed(statement or "?")), name


# --- the aftercare sheet -------------------------------------------------------------------------


@pytest.mark.parametrize("slug", CLINICS)
def test_the_aftercare_sheet_is_one_page_to_take_home(shipped: Built, shipped_project: Project,
                                                      slug: str) -> None:
    project = shipped_project
    clinic = project.clinics[slug].clinic
    treatment = treatment_of(project.content, clinic)[1]
    pdf = shipped.pdf(slug, "aftercare")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    html = render_html(request_for(project, slug, "aftercare"))
    qr = next(image for image in read_printed(html).root.iter("img")
              if image.get("alt") == "QR code for booking")
    assert qr.get("src") == qr_data_uri(str(clinic.booking_url), site_colour(project, slug))
    for value in (clinic.phone, printed(clinic.out_of_hours),
                  "Session day", "Day 2", "Your next session is on", "Scan to book",
                  *(printed(sign.text) for sign in project.content.red_flags.signs
                    if sign.applies_to(treatment)),
                  *(printed(step.action) for step in project.content.aftercare.steps
                    if step.applies_to(treatment))):
        assert contains(text, value), value
    fields = reader.get_fields() or {}
    assert set(fields) == {"session_date", "session_time", "next_date", "next_time"}
    assert clinic.documents["aftercare"].id in text
    protocol = project.content.protocols[clinic.protocol]
    if protocol.meaning:  # the sheet is read alone: a name a patient may not know is explained
        assert contains(text, f"{protocol.name}: {printed(protocol.meaning)}")


def test_an_aftercare_sheet_longer_than_a_page_is_refused(project: Path) -> None:
    path = project / "content.yaml"
    extra = "".join(
        f"    - id: extra_{number}\n      kind: avoid\n      until: 3 days\n      action: >-\n"
        "        Keep away from dust, smoke, paint, glue and strong cleaning products, and do\n"
        "        not wear a tight hat, helmet or headband on the treated parts.\n"
        for number in range(8))
    edit(path, r"^(aftercare:\n(?:  .*\n)*?  steps:\n)", r"\1" + extra.replace("\\", "\\\\"))
    result = build(project, "--clinic", LUMEN, "--document", "aftercare")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "must fit on 1 page" in result.output
    assert not (project / "output" / LUMEN / "aftercare.en.pdf").exists()


def test_an_aftercare_sheet_a_little_too_long_is_set_tighter_not_smaller(project: Path) -> None:
    """Lumen's sheet on US Letter (18 mm shorter than A4) runs over at the brand's spacing:
    it is set again with closer lines and still prints its body at 12 pt, on one page."""
    edit(project / "clinics" / LUMEN / "clinic.yaml", r"^paper: a4$", "paper: letter")
    result = build(project, "--clinic", LUMEN, "--document", "aftercare")
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    pdf = project / "output" / LUMEN / "aftercare.en.pdf"
    assert len(PdfReader(pdf).pages) == 1
    lines = lines_of(pdf)
    sizes = Counter(round(size, 1) for line in lines for _, size in line.chars)
    assert sizes.most_common(1)[0][0] == 12.0, sizes.most_common(3)
    assert contains(pdf_text(pdf), "call for an ambulance")  # the red box is on the page


def site_colour(project: Project, slug: str) -> str:
    """The colour the clinic's QR codes are drawn in."""
    return project.clinics[slug].theme.colors.get("dark", "#000000")


# --- the recorded PEMAT-P scoring --------------------------------------------------------------


def test_every_shipped_document_has_a_full_pemat_scoring_of_85_percent(
        shipped_project: Project) -> None:
    """docs/pemat-scores.md rates all 24 items for each document, read from the pages, and its
    summary row agrees with those ratings: at least 85 % on both scales."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "pemat-scores.md").read_text(
        encoding="utf-8")
    understandability = {*range(1, 13), *range(15, 20)}
    actionability = set(range(20, 27))
    for slug, site in shipped_project.clinics.items():
        for document, control in site.clinic.documents.items():
            row = re.search(rf"^\|\s*{re.escape(control.id)}\b.*$", text, re.MULTILINE)
            assert row, f"{slug} {document} ({control.id}) is not scored"
            summary = [round(float(value)) for value in
                       re.findall(r"(\d+(?:\.\d)?)\s*%", row.group())]
            section = re.search(rf"^## {re.escape(control.id)}\b(.*?)(?=^## |\Z)", text,
                                re.MULTILINE | re.DOTALL)
            assert section, f"{control.id}: no section with its item ratings"
            ratings = {int(number): rating for number, rating in re.findall(
                r"^\|\s*(\d+)\s*\|[^|\n]*\|\s*(Agree|Disagree|N/A)\s*\|",
                section.group(1), re.MULTILINE)}
            assert set(ratings) == understandability | actionability, (control.id, ratings)
            scores = []
            for items in (understandability, actionability):
                rated = [ratings[item] for item in items if ratings[item] != "N/A"]
                scores.append(round(100 * rated.count("Agree") / len(rated)))
            assert summary == scores, (control.id, summary, scores)
            assert min(scores) >= 85, (control.id, scores)
