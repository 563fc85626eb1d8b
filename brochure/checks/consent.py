"""Is every element of informed consent present for a clinic's protocol?

The elements are C1-C16 of docs/clinical-facts.md (CMS 482.24, AMA Opinion
2.1.1, GMC 2016, Montgomery 2015). Each check reads the content as the clinic's
consent form prints it (only the items true for its treatment), so a gap is
found before any PDF is made, and is reported at the line of the file that
should fill it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from ..errors import Problem
from ..models.content import Content, Protocol
from ..project import ClinicSite, Project
from ..scoping import content_for, treatment_of
from ..source import KeyPath, SourceFile


@dataclass(frozen=True)
class Gap:
    """A missing element: which one, where it belongs, and what is missing."""

    element: str
    path: KeyPath
    message: str
    in_clinic_file: bool = False


@dataclass(frozen=True)
class _Form:
    """What one clinic's consent form is made of."""

    content: Content
    """The content as this clinic's form prints it."""
    shared: Content
    """The whole content, to find an item's line."""
    site: ClinicSite
    protocol_id: str
    protocol: Protocol


def consent_problems(project: Project, site: ClinicSite) -> list[Problem]:
    """Every missing consent element of ``site``'s form, located and naming the clinic."""
    protocol, treatment = treatment_of(project.content, site.clinic)
    view = content_for(project.content, treatment, protocol)[0]
    form = _Form(view, project.content, site, site.clinic.protocol, protocol)
    problems = []
    for check in CHECKS:
        for gap in check(form):
            source: SourceFile = site.source if gap.in_clinic_file else project.content_source
            problems.append(replace(source.problem(gap.path, f"{gap.element}: {gap.message}"),
                                    clinic=site.slug, document="consent"))
    return problems


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _identification(form: _Form) -> Iterator[Gap]:
    if _blank(form.site.clinic.name):
        yield Gap("C1 identification", ("name",), "the clinic has no name", True)


def _procedure(form: _Form) -> Iterator[Gap]:
    where = ("protocols", form.protocol_id)
    for field in ("name", "technique", "purpose", "area", "maintenance"):
        if _blank(getattr(form.protocol, field)):
            yield Gap("C2 procedure", (*where, field), f"the protocol's {field} is empty")


def _products(form: _Form) -> Iterator[Gap]:
    where = ("protocols", form.protocol_id, "ingredients")
    if not form.protocol.ingredients:
        yield Gap("C3 products", where, "the protocol names no products or ingredients")
    route = form.protocol.route
    for name in form.protocol.ingredients:
        if _blank(form.content.ingredients[name].routes[route].approval):
            yield Gap("C3 products", ("ingredients", name, "routes", route, "approval"),
                      f"'{name}' does not say its approval status when given by {route}")


def _benefits_and_guarantee(form: _Form) -> Iterator[Gap]:
    if _blank(form.content.expectations.no_guarantee):
        yield Gap("C5 no guarantee", ("expectations", "no_guarantee"),
                  "say that results are not guaranteed")


def _risks(form: _Form) -> Iterator[Gap]:
    risks = form.content.risks.items
    where = ("protocols", form.protocol_id)
    if not risks:
        yield Gap("C6 risks", where, "no risk applies to this protocol")
        return
    for frequency, label in (("common", "common"), ("rare", "rare but serious")):
        if not any(risk.frequency == frequency for risk in risks):
            yield Gap("C6 risks", ("risks", "items"), f"no {label} risk applies to "
                                                      f"protocol '{form.protocol_id}'")
    if not any(risk.treatment_failure for risk in risks):
        yield Gap("C6 risks", ("risks", "items"),
                  "no risk says the treatment may not work (treatment_failure: true)")


def _alternatives(form: _Form) -> Iterator[Gap]:
    kinds = {item.kind for item in form.content.alternatives.items}
    for kind, label in (("licensed_medicine", "a licensed medicine such as minoxidil"),
                        ("no_treatment", "no treatment")):
        if kind not in kinds:
            yield Gap("C7 alternatives", ("alternatives", "items"),
                      f"no alternative of kind '{kind}' ({label})")


def _screening(form: _Form) -> Iterator[Gap]:
    shared = [item.id for item in form.shared.contraindications.items]
    for item in form.content.contraindications.items:
        if _blank(item.question):
            yield Gap("screening", ("contraindications", "items", shared.index(item.id),
                                    "question"),
                      f"contraindication '{item.id}' has no yes/no screening question")


_STATEMENTS = (
    ("information", "information", "that the patient read the patient information"),
    ("diagnosis", "C2 diagnosis", "that the practitioner found the kind of hair loss first"),
    ("questions", "C8 questions", "that the patient's questions were answered"),
    ("costs", "C2 costs", "that the patient was told the cost of the whole course"),
    ("voluntary", "C9 voluntary", "that consent is voluntary and can be withdrawn"),
    ("cooling_off", "C10 cooling-off", "that the patient had time to think it over"),
    ("age_capacity", "C15 age and capacity", "that the patient is 18 or over with capacity"),
    ("preparation", "C16 aftercare", "that the patient will follow the before and after steps"),
)


def _statements(form: _Form) -> Iterator[Gap]:
    statements = form.content.consent.statements
    for key, element, what in _STATEMENTS:
        if _blank(getattr(statements, key)):
            yield Gap(element, ("consent", "statements", key), f"add a statement {what}")
    if form.site.clinic.consent.cooling_off is None:
        yield Gap("C10 cooling-off", ("consent",), "set consent.cooling_off, such as '7 days'",
                  True)


def _people(form: _Form) -> Iterator[Gap]:
    consent = form.content.consent
    if consent.photos is None:
        yield Gap("C14 photos", ("consent", "photos"),
                  "add the photo consent uses (clinical record, teaching, marketing)")
    if _blank(consent.practitioner):
        yield Gap("C11 practitioner", ("consent", "practitioner"),
                  "add the practitioner's statement")
    if _blank(consent.interpreter):
        yield Gap("C13 interpreter", ("consent", "interpreter"),
                  "add the interpreter's statement")
    if form.site.clinic.consent.witness and _blank(consent.witness):
        yield Gap("C13 witness", ("consent", "witness"),
                  "the clinic asks for a witness: add the witness's statement")


CHECKS: tuple[Callable[[_Form], Iterator[Gap]], ...] = (
    _identification, _procedure, _products, _benefits_and_guarantee, _risks, _alternatives,
    _screening, _statements, _people)
