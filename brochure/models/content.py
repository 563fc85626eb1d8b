"""The treatment content every clinic shares: the model of ``content.yaml``.

Text fields accept a small, safe Markdown (emphasis, links, lists); raw HTML is
shown as text. Lists of things a form or a translation must refer to carry an
``id``; things cited from elsewhere (ingredients, protocols, sources) are keyed
by id. A translation overlay (``content.<lang>.yaml``) has the same shape.
"""

from __future__ import annotations

from datetime import date
from typing import Generic, Literal, TypeVar

from pydantic import Field, HttpUrl

from .base import CitedText, CountField, DurationField, Slug, StrictModel

Paragraphs = list[str]


class Meta(StrictModel):
    """Title and review state of the content."""

    title: str
    subtitle: str
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    version: str
    effective: date = Field(description="the date the content takes effect; printed and"
                                        " written into the PDF metadata")
    reviewed_by: str


class Section(StrictModel):
    """A titled piece of prose: a one-line key message, then paragraphs."""

    heading: str
    summary: str
    body: Paragraphs = []
    sources: list[Slug] = []


class NamedPoint(StrictModel):
    """A short bold name followed by its explanation."""

    name: str
    text: str
    sources: list[Slug] = []


class HairLoss(Section):
    follicle_changes: list[NamedPoint] = Field(min_length=1)
    other_factors: list[str] = []


class HowItWorks(Section):
    mechanisms: list[NamedPoint] = Field(min_length=1)


class Ingredient(StrictModel):
    """An active substance a protocol may use."""

    name: str
    purpose: str
    evidence: str
    approval: str = Field(description="regulatory status in plain words")
    prescription_only: bool = False
    sources: list[Slug] = []


class Phase(StrictModel):
    """A stretch of the course with sessions at a regular interval."""

    name: str
    sessions: CountField
    interval: DurationField
    span: DurationField | None = Field(None, description="how long the phase lasts")
    note: str | None = None


class Milestone(StrictModel):
    """Something the patient can expect at a point after the first session."""

    at: DurationField
    label: str = Field(max_length=40, description="a few words for the timeline")
    text: str
    sources: list[Slug] = []


class Protocol(StrictModel):
    """One way of giving the treatment, as data that templates can draw."""

    name: str
    technique: str
    purpose: str
    area: str
    session_length: DurationField | None = None
    anaesthesia: str
    dressing: str
    recovery: str
    minimum_sessions: int | None = Field(None, ge=1)
    phases: list[Phase] = Field(min_length=1)
    maintenance: str
    milestones: list[Milestone] = []
    ingredients: list[Slug] = []
    sources: list[Slug] = []


class ProtocolSpecific(StrictModel):
    """An item that may apply only to some protocols, or only where some ingredients are used.

    An empty list places no limit.
    """

    protocols: list[Slug] = []
    ingredients: list[Slug] = []

    def applies_to(self, protocol_id: str, ingredients: list[str]) -> bool:
        """Whether a clinic giving ``protocol_id`` with ``ingredients`` should print it."""
        return ((not self.protocols or protocol_id in self.protocols)
                and (not self.ingredients or any(name in ingredients
                                                 for name in self.ingredients)))


Item = TypeVar("Item")


class Listing(StrictModel, Generic[Item]):
    """A titled list of items, with an introduction (risks, contraindications, alternatives)."""

    heading: str
    intro: str
    items: list[Item] = Field(min_length=1)


class Step(ProtocolSpecific):
    """One action the patient takes, with its timing."""

    id: Slug
    when: str
    action: str
    why: str | None = None
    sources: list[Slug] = []


class Steps(StrictModel):
    heading: str
    intro: str
    steps: list[Step] = Field(min_length=1)


class Risk(ProtocolSpecific):
    id: Slug
    name: str
    frequency: Literal["common", "uncommon", "rare"]
    treatment_failure: bool = Field(False, description="true for the risk that it does not work")
    description: str
    what_to_do: str
    sources: list[Slug] = []


class Contraindication(ProtocolSpecific):
    id: Slug
    condition: str
    decision: Literal["not_treated", "wait", "ask_first"] = Field(
        "ask_first", description="what the clinic does: the brochure groups by it")
    question: str | None = Field(None, description="a yes/no screening question for the"
                                                   " consent form")
    note: str | None = None
    sources: list[Slug] = []


class Alternative(StrictModel):
    id: Slug
    name: str
    kind: Literal["licensed_medicine", "other", "no_treatment"] = "other"
    text: str
    prescription_only: bool = False
    sources: list[Slug] = []


class RedFlags(StrictModel):
    heading: str
    intro: str
    signs: list[str] = Field(min_length=1)
    urgent: str


class Expectations(StrictModel):
    heading: str
    benefits: list[CitedText] = Field(min_length=1)
    limits: list[CitedText] = Field(min_length=1)
    no_guarantee: str


class Evidence(StrictModel):
    heading: str
    summary: str
    known: list[CitedText] = Field(min_length=1)
    not_known: list[CitedText] = Field(min_length=1)


class Question(StrictModel):
    id: Slug
    question: str
    answer: str
    sources: list[Slug] = []


class Faq(StrictModel):
    heading: str
    items: list[Question] = Field(min_length=1)


class Statements(StrictModel):
    """What the patient confirms on the consent form; each one is a consent element."""

    information: str | None = None
    questions: str | None = None
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


class Wording(StrictModel):
    """Words ``brochure check`` looks for, added to its built-in lists."""

    claim_words: list[str] = Field([], description="words or phrases that make a sentence a "
                                                   "claim needing a source")
    jargon: dict[str, str] = Field({}, description="medical term -> the plain words that must "
                                                   "explain it where it is first used")


class Content(StrictModel):
    """Everything in ``content.yaml``."""

    meta: Meta
    overview: Section
    hair_loss: HairLoss
    how_it_works: HowItWorks
    ingredients: dict[Slug, Ingredient] = Field(min_length=1)
    protocols: dict[Slug, Protocol] = Field(min_length=1)
    expectations: Expectations
    preparation: Steps
    aftercare: Steps
    risks: Listing[Risk]
    contraindications: Listing[Contraindication]
    alternatives: Listing[Alternative]
    red_flags: RedFlags
    evidence: Evidence
    faq: Faq
    consent: Consent = Consent()
    sources: dict[Slug, Source] = Field(min_length=1)
    wording: Wording = Wording()
