"""The treatment content every clinic shares: the model of ``content.yaml``.

Text fields accept a small, safe Markdown (emphasis, links, lists); raw HTML is
shown as text. Lists of things a form or a translation must refer to carry an
``id``; things cited from elsewhere (ingredients, protocols, sources) are keyed
by id. Items that are true for some treatments only say so (:class:`Scoped`);
a document prints only the items that apply to its clinic's treatment.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import Field, HttpUrl

from .base import CitedText, CountField, DateField, DurationField, Scoped, Slug, StrictModel

Route = Literal["injected", "microneedling", "topical"]
"""How an ingredient reaches the scalp, in a protocol or in a study."""
ProtocolRoute = Literal["injected", "microneedling"]
"""The routes a clinic's protocol can use (no protocol is a lotion alone)."""


class Meta(StrictModel):
    """Title and review state of the content."""

    title: str
    subtitle: str
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    version: str
    effective: DateField = Field(description="the date the content takes effect; printed and"
                                        " written into the PDF metadata")
    reviewed_by: str


class Section(StrictModel):
    """A titled piece of prose: a one-line key message, then paragraphs."""

    heading: str
    summary: str
    body: list[CitedText] = Field(min_length=1)


class NamedPoint(Scoped):
    """A short bold name followed by its explanation."""

    name: str
    text: str
    sources: list[Slug] = []


class HairLoss(Section):
    causes: list[NamedPoint] = Field(min_length=1)


class HowItWorks(Section):
    mechanisms: list[NamedPoint] = Field(min_length=1)
    diagram_labels: dict[str, str] = Field(
        description="the labels of the scalp diagram, by part (epidermis, dermis, fat, "
                    "hair_root, hair, needle, drops, device, channels, product)")


class SeeADoctor(StrictModel):
    intro: str
    signs: list[str] = Field(min_length=1)


class Diagnosis(Section):
    """Why the kind of hair loss is found first, and who should see a doctor instead."""

    see_a_doctor: SeeADoctor


class IngredientUse(StrictModel):
    """What is known of an ingredient given by one route, and its approval for that route."""

    approval: str = Field(description="regulatory status for this route, in plain words")
    evidence: str
    sources: list[Slug] = []


class Ingredient(StrictModel):
    """An active substance a protocol may use."""

    name: str
    purpose: str
    prescription_only: bool = False
    routes: dict[ProtocolRoute, IngredientUse] = Field(
        min_length=1, description="the routes it may be given by; a protocol of another "
                                  "route cannot use it")


class Phase(StrictModel):
    """A stretch of the course with sessions at a regular interval."""

    name: str
    sessions: CountField
    interval: DurationField
    span: DurationField | None = Field(None, description="how long the phase lasts")
    note: str | None = None


class Diagram(StrictModel):
    """What the scalp diagram of a protocol shows, in words."""

    caption: str
    alt: str = Field(description="the picture described for someone who cannot see it")


class Protocol(StrictModel):
    """One way of giving the treatment, as data that templates can draw."""

    name: str
    meaning: str | None = Field(
        None, description="what the name means in a few plain words, for a reader who may not"
                          " know it (printed under the aftercare sheet's title)")
    route: ProtocolRoute
    technique: str
    purpose: str
    area: str
    session_length: DurationField | None = None
    without_numbing: str | None = Field(
        None, description="what the patient is told when the clinic does not numb the scalp;"
                          " none: every clinic of this protocol must set 'numbing'")
    recovery: str
    minimum_sessions: int | None = Field(None, ge=1)
    phases: list[Phase] = Field(min_length=1)
    maintenance: str
    ingredients: list[Slug] = []
    diagram: Diagram


Item = TypeVar("Item")


class Listing(StrictModel, Generic[Item]):
    """A titled list of items, with an introduction (risks, contraindications, alternatives)."""

    heading: str
    intro: str
    items: list[Item] = Field(min_length=1)


class Action(Scoped):
    """One thing the patient does or avoids; ``kind`` picks its do/avoid sign."""

    id: Slug
    kind: Literal["do", "avoid"]
    action: str
    why: str | None = None
    sources: list[Slug] = []


class Step(Action):
    """An action before treatment, and when to take it."""

    when: str


class AftercareStep(Action):
    """An action after a session, and the hours or days it lasts."""

    start: DurationField | None = Field(None, description="when it starts, after the session;"
                                                          " none: straight away")
    until: DurationField = Field(description="how long after the session it lasts")


class Steps(StrictModel):
    heading: str
    intro: str
    steps: list[Step] = Field(min_length=1)


class Aftercare(StrictModel):
    heading: str
    intro: str
    summary: list[str] = Field(min_length=1, description="the key points of the aftercare "
                                                         "sheet, under 'In short'")
    steps: list[AftercareStep] = Field(min_length=1)


class Risk(Scoped):
    id: Slug
    name: str
    frequency: Literal["common", "uncommon", "rare"]
    treatment_failure: bool = Field(False, description="true for the risk that it does not work")
    description: str
    what_to_do: str
    sources: list[Slug] = []


class Contraindication(Scoped):
    id: Slug
    condition: str
    decision: Literal["not_treated", "wait", "ask_first"] = Field(
        "ask_first", description="what the clinic does: the brochure groups by it")
    question: str | None = Field(None, description="a yes/no screening question for the"
                                                   " consent form")
    note: str | None = None
    sources: list[Slug] = []


class Alternative(Scoped):
    """Another choice than this treatment."""

    id: Slug
    name: str
    kind: Literal["licensed_medicine", "other", "no_treatment"] = "other"
    text: str
    prescription_only: bool = False
    sources: list[Slug] = []


class RedFlags(StrictModel):
    heading: str
    intro: str
    signs: list[CitedText] = Field(min_length=1)
    urgent: str


class Expectations(StrictModel):
    heading: str
    benefits: list[CitedText] = Field(min_length=1)
    limits: list[CitedText] = Field(min_length=1)
    no_guarantee: str


class Evidence(StrictModel):
    heading: str
    summary: list[CitedText] = Field(min_length=1)
    known: list[CitedText] = Field(min_length=1)
    not_known: list[CitedText] = Field(min_length=1)


class Statements(StrictModel):
    """What the patient confirms on the consent form; each one is a consent element."""

    information: str | None = None
    diagnosis: str | None = None
    questions: str | None = None
    costs: str | None = None
    answers: str | None = None
    voluntary: str | None = None
    cooling_off: str | None = None
    age_capacity: str | None = None
    preparation: str | None = None


class PhotoUse(StrictModel):
    id: Slug
    text: str


class Photos(StrictModel):
    intro: str
    uses: list[PhotoUse] = Field(min_length=1)
    withdraw: str


class Consent(StrictModel):
    """The consent form's own words. Its parts are optional here so that ``check`` can
    name each missing consent element; a build refuses a form that lacks one."""

    intro: str | None = None
    summary: list[str] = Field([], description="the main points, printed under 'In short'")
    screening_intro: str | None = None
    statements: Statements = Statements()
    photos: Photos | None = None
    practitioner: str | None = None
    interpreter: str | None = None
    witness: str | None = None


class Source(StrictModel):
    citation: str
    url: HttpUrl | None = None
    route: Route | None = Field(
        None, description="how the treatment it studied was given; none for a source that "
                          "is not a study of this treatment (a guideline, a regulation)")


class Wording(StrictModel):
    """Words ``brochure check`` looks for, added to its built-in lists."""

    claim_words: list[str] = Field([], description="words or phrases that make a sentence a "
                                                   "claim needing a source")
    jargon: dict[str, str] = Field({}, description="medical term -> the plain words that must "
                                                   "explain it where it is first used")


class RiskListing(Listing[Risk]):
    """The risks, by frequency. (Named listings can be pickled for worker processes.)"""


class ContraindicationListing(Listing[Contraindication]):
    """Who should not have the treatment."""


class AlternativeListing(Listing[Alternative]):
    """The other options, including no treatment."""


class Content(StrictModel):
    """Everything in ``content.yaml``."""

    meta: Meta
    routes: dict[Route, str] = Field(description="each route in plain words, as a source "
                                                 "list says how a study gave the treatment")
    overview: Section
    how_it_works: HowItWorks
    hair_loss: HairLoss
    diagnosis: Diagnosis
    ingredients: dict[Slug, Ingredient] = Field(min_length=1)
    protocols: dict[Slug, Protocol] = Field(min_length=1)
    expectations: Expectations
    evidence: Evidence
    risks: RiskListing
    contraindications: ContraindicationListing
    alternatives: AlternativeListing
    preparation: Steps
    aftercare: Aftercare
    red_flags: RedFlags
    questions: list[str] = Field(min_length=1, description="questions a patient may ask us, "
                                                           "printed on the back page")
    consent: Consent = Consent()
    sources: dict[Slug, Source] = Field(min_length=1)
    wording: Wording = Wording()
