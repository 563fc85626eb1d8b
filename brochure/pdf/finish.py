"""Form finishing, as one pyHanko incremental update over WeasyPrint's PDF.

The layout decides where fields go, never fixed coordinates: an element whose
id starts with ``sig-`` becomes an empty signature field over its box (named
``sig_patient`` for ``sig-patient``), the box with id ``page-initials`` (in a
running footer) becomes a text field ``initials_page_N`` on every page, and the
boxes ``page-name`` and ``page-dob`` (in a running header) become more places of
the ``patient_name`` and ``patient_dob`` fields: one field, shown on every page,
so a name typed once appears on each, and loose printed pages can be matched.
The update also mends WeasyPrint's radio groups, whose buttons it writes as
fields of their own, and it is reproducible: no clock and no random file id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import cast

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from ..compat import reproducible_writer

SIGNATURE_PREFIX = "sig-"
INITIALS_ID = "page-initials"
REPEATED_FIELDS = {"page-name": "patient_name", "page-dob": "patient_dob"}
"""Boxes of a running header, and the text field each shows again on its page."""
PT_PER_PX = 0.75

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageLayout:
    """One page's height and its anchors (id -> left, top, right, bottom), in CSS pixels."""

    height: float
    anchors: Mapping[str, Box]

    def rectangle(self, anchor: str) -> Box:
        """The anchor's box in PDF points, origin at the bottom left."""
        left, top, right, bottom = self.anchors[anchor]
        height = self.height * PT_PER_PX
        return (left * PT_PER_PX, height - bottom * PT_PER_PX,
                right * PT_PER_PX, height - top * PT_PER_PX)


def needs_finishing(pages: Iterable[PageLayout]) -> bool:
    return any(_is_field(anchor) for page in pages for anchor in page.anchors)


def finish_pdf(pdf: bytes, pages: list[PageLayout]) -> bytes:
    """Add signature and initials fields where the layout put their boxes."""
    writer = reproducible_writer(pdf)
    _mend_radio_groups(writer)
    for anchor, name in REPEATED_FIELDS.items():
        places = [(index, page.rectangle(anchor)) for index, page in enumerate(pages)
                  if anchor in page.anchors]
        if places:
            _show_again(writer, name, places)
    for number, page in enumerate(pages, start=1):
        if INITIALS_ID in page.anchors:
            _add_text_field(writer, number - 1, f"initials_page_{number}",
                            page.rectangle(INITIALS_ID))
        for anchor in sorted(page.anchors):
            if anchor.startswith(SIGNATURE_PREFIX):
                name = anchor.replace("-", "_")
                # pyHanko annotates the box as whole points but writes any number: the
                # layout's fractions keep the field exactly over its printed box.
                box = cast(tuple[int, int, int, int], page.rectangle(anchor))
                append_signature_field(writer, SigFieldSpec(
                    sig_field_name=name, on_page=number - 1, box=box))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def _is_field(anchor: str) -> bool:
    return (anchor == INITIALS_ID or anchor in REPEATED_FIELDS
            or anchor.startswith(SIGNATURE_PREFIX))


def _acroform(writer: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    root = writer.root
    if "/AcroForm" not in root:
        root["/AcroForm"] = writer.add_object(generic.DictionaryObject(
            {generic.NameObject("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form: generic.DictionaryObject = root["/AcroForm"]
    return form


def _mend_radio_groups(writer: IncrementalPdfFileWriter) -> None:
    """Make WeasyPrint's radio groups plain ones.

    A button is a widget of its group, not a field: it leaves /Fields and loses the
    name and type that make readers count it twice. Its "on" state is named after
    its value (``/yes``) instead of its index into /Opt (``/0``), so that setting a
    group to ``yes`` ticks the right button.
    """
    form = _acroform(writer)
    fields = form["/Fields"]
    kids = {_key(kid) for field in fields for kid in _kids(field)}
    if not kids:
        return
    kept = generic.ArrayObject(ref for ref in fields if _key(ref) not in kids)
    for ref in kept:
        field = ref.get_object()
        options = [str(option) for option in field.get("/Opt", ())]
        for kid in _kids(field):
            widget = kid.get_object()
            for key in ("/T", "/TU", "/FT"):
                widget.pop(key, None)
            _name_states(widget, options)
            writer.update_container(widget)
        if options:
            del field["/Opt"]
            writer.update_container(field)
    form["/Fields"] = kept
    writer.update_container(form)


def _name_states(widget: generic.DictionaryObject, options: list[str]) -> None:
    """Rename a button's index-named appearance states after its option values."""
    appearances = widget.get("/AP")
    normal = appearances.get_object().get("/N") if appearances is not None else None
    if normal is None:
        return
    normal = normal.get_object()
    for state in list(normal):
        index = str(state).lstrip("/")
        if index.isdigit() and int(index) < len(options):
            normal[generic.NameObject("/" + options[int(index)])] = normal.raw_get(state)
            del normal[state]


def _kids(field: generic.PdfObject) -> list[generic.PdfObject]:
    """The references in a field's /Kids (list iteration does not resolve them)."""
    kids = field.get_object().get("/Kids")
    return [] if kids is None else list(kids.get_object())


def _key(reference: object) -> tuple[int, int] | int:
    """An indirect object's number, to compare references."""
    if isinstance(reference, generic.IndirectObject):
        return reference.idnum, reference.generation
    return id(reference)


FIELD_KEYS = ("/FT", "/T", "/TU", "/Ff", "/V", "/DV")
"""What belongs to a field rather than to one of its widgets."""


def _show_again(writer: IncrementalPdfFileWriter, name: str,
                places: list[tuple[int, Box]]) -> None:
    """Give the text field ``name`` a widget at each (page index, box) in ``places``.

    WeasyPrint writes a field and its one widget as one dictionary; it becomes a
    field whose first kid is that widget, and the new widgets are its other kids.
    """
    form = _acroform(writer)
    fields = form["/Fields"]
    found = next(((index, ref) for index, ref in enumerate(fields)
                  if str(ref.get_object().get("/T", "")) == name), None)
    if found is None:
        return  # a clinic template without this field: nothing to show again
    index, ref = found
    widget = ref.get_object()
    appearance = widget.get("/DA", _text_appearance(form))
    if "/Kids" in widget:
        parent_ref, kids = ref, widget["/Kids"]
    else:
        parent = generic.DictionaryObject({key: widget[key] for key in FIELD_KEYS
                                           if key in widget})
        parent[generic.NameObject("/DA")] = appearance
        kids = generic.ArrayObject([ref])
        parent[generic.NameObject("/Kids")] = kids
        parent_ref = writer.add_object(parent)
        for key in FIELD_KEYS:
            widget.pop(key, None)
        widget[generic.NameObject("/Parent")] = parent_ref
        writer.update_container(widget)
        fields[index] = parent_ref
        writer.update_container(fields)
    fitted = re.sub(r"([\d.]+) Tf", "0 Tf", str(appearance))  # 0: shrink a long name to fit
    for page_index, box in places:
        kids.append(_add_widget(writer, page_index, box, {
            "/Parent": parent_ref, "/DA": generic.TextStringObject(fitted)}))
    writer.update_container(parent_ref.get_object())


def _add_widget(writer: IncrementalPdfFileWriter, page_index: int, box: Box,
                entries: Mapping[str, generic.PdfObject]) -> generic.IndirectObject:
    """A widget annotation at ``box`` on a page, with the field ``entries`` given."""
    page_ref = writer.find_page_for_modification(page_index)[0]
    page = page_ref.get_object()
    widget = writer.add_object(generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Annot"),
        generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
        generic.NameObject("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in box),
        generic.NameObject("/F"): generic.NumberObject(4),
        generic.NameObject("/P"): page_ref,
        **{generic.NameObject(key): value for key, value in entries.items()},
    }))
    if "/Annots" not in page:
        page["/Annots"] = generic.ArrayObject()
        writer.update_container(page)
    annotations = page["/Annots"]
    annotations.append(widget)
    writer.update_container(annotations)
    return widget


def _add_text_field(writer: IncrementalPdfFileWriter, page_index: int, name: str,
                    box: Box) -> None:
    form = _acroform(writer)
    widget = _add_widget(writer, page_index, box, {
        "/FT": generic.NameObject("/Tx"),
        "/T": generic.TextStringObject(name),
        "/TU": generic.TextStringObject("Patient's initials"),
        "/DA": _text_appearance(form),
    })
    fields = form["/Fields"]
    fields.append(widget)
    writer.update_container(fields)


def _text_appearance(form: generic.DictionaryObject) -> generic.TextStringObject:
    """The default appearance of the form's text fields, so new fields look the same."""
    for field in form["/Fields"]:
        field = field.get_object()
        if field.get("/FT") == "/Tx" and "/DA" in field:
            return generic.TextStringObject(str(field["/DA"]))
    return generic.TextStringObject(str(form.get("/DA", "/Helv 0 Tf 0 g")))
