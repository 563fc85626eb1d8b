"""One clinic's identity and choices: the model of ``clinics/<slug>/clinic.yaml``."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, get_args

from babel import Locale, UnknownLocaleError
from pydantic import Field, HttpUrl, field_validator, model_validator

from .base import CountField, DateField, DurationField, Slug, StrictModel

MAX_NAME = 60
"""A clinic's name is printed on one line at the top of every page: longer ones run off it."""
MAX_TAGLINE = 90
"""The tagline shares the cover's top line with the logo."""

DocumentKind = Literal["brochure", "consent", "aftercare"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)
PaperSize = Literal["a4", "letter"]

DEFAULT_SMOG_MAX = 8.0
"""NIH and NCI ask for patient materials at grade 8 or below (clinical-facts.md)."""


class Practitioner(StrictModel):
    name: str
    title: str
    registration: str | None = Field(None, description="professional registration number")


class PhaseOverride(StrictModel):
    """Changes to one phase of the protocol, matched by position."""

    sessions: CountField | None = None
    interval: DurationField | None = None
    span: DurationField | None = None
    note: str | None = None


class ProtocolOverrides(StrictModel):
    """The values of the shared protocol that this clinic does differently."""

    minimum_sessions: int | None = Field(None, ge=1)
    session_length: DurationField | None = None
    phases: list[PhaseOverride] = []
    ingredients: list[Slug] | None = Field(None, description="replaces the protocol's list")


class Numbing(StrictModel):
    """The numbing product a clinic puts on the scalp, and how long it must work first."""

    product: str = Field(min_length=1, description="e.g. 'EMLA cream (lidocaine and "
                                                   "prilocaine)'")
    wait: DurationField = Field(description="how long it stays on before treatment, as the "
                                            "product's information asks (EMLA: 1 hour)")


class Review(StrictModel):
    """When the clinic reviews progress with photos; at the last review it stops a course
    that has not helped."""

    at: list[DurationField] = Field(min_length=1, max_length=6,
                                    description="times after the first session, e.g. "
                                                "['3 months', '6 months']")

    @field_validator("at")
    @classmethod
    def _in_order(cls, value: list) -> list:  # type: ignore[type-arg]
        weeks = [point.weeks[0] for point in value]
        if weeks != sorted(weeks) or len(set(weeks)) != len(weeks):
            raise ValueError("list the review times from first to last, each once")
        return value


MAX_PRICE = Decimal(1_000_000)
"""More than any session costs: a larger number is a typing mistake, and runs off the page."""


class Price(StrictModel):
    """What the treatment costs; the whole course is worked out from the sessions."""

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="a currency code: USD, GBP, EUR")
    session: Decimal = Field(gt=0, le=MAX_PRICE, description="the price of one session")
    top_up: Decimal | None = Field(None, gt=0, le=MAX_PRICE,
                                   description="the price of one top-up session; default: a "
                                               "session's price")
    consultation: Decimal | None = Field(None, ge=0, le=MAX_PRICE,
                                         description="the first consultation; 0 means free")


class DocumentControl(StrictModel):
    """What identifies one controlled document: printed in its footer, refused when a draft."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$",
                    description="the clinic's document number, e.g. HHC-CF-001")
    version: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$")
    status: Literal["draft", "approved"]
    effective: DateField = Field(description="printed, and written into the PDF's dates")
    approved_by: str | None = None

    @model_validator(mode="after")
    def _approved_documents_name_their_approver(self) -> DocumentControl:
        if self.status == "approved" and not self.approved_by:
            raise ValueError("an approved document needs 'approved_by'")
        return self


class ConsentSettings(StrictModel):
    """How this clinic takes consent."""

    cooling_off: DurationField | None = Field(
        None, description="the least time between consent discussion and first treatment")
    witness: bool = Field(False, description="whether local policy asks for a witness")


class ReadabilityGate(StrictModel):
    """The reading level a clinic's documents must meet."""

    smog_max: float = Field(8.0, ge=4, le=14,
                            description="the highest SMOG grade a document or section may have")
    reason: str | None = Field(None, description="why the limit differs from the default 8")

    @model_validator(mode="after")
    def _a_raised_limit_states_its_reason(self) -> ReadabilityGate:
        if self.smog_max > DEFAULT_SMOG_MAX and not self.reason:
            raise ValueError(f"a SMOG limit above {DEFAULT_SMOG_MAX:g} needs a 'reason' "
                             "(NIH asks for grade 8 or below)")
        return self


class CheckSettings(StrictModel):
    """The gates ``brochure check`` applies to this clinic's documents."""

    readability: ReadabilityGate = ReadabilityGate()
    pemat_min: int = Field(70, ge=0, le=100, description="lowest PEMAT understandability and "
                                                         "actionability score, in per cent")


class Clinic(StrictModel):
    """Everything in ``clinic.yaml``."""

    name: str = Field(min_length=1, max_length=MAX_NAME)
    tagline: str | None = Field(default=None, max_length=MAX_TAGLINE)
    address: list[str] = Field(min_length=1)
    phone: str = Field(pattern=r"^[+0-9()./ -]{5,}$")
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    website: HttpUrl
    booking_url: HttpUrl
    hours: str | None = None
    out_of_hours: str = Field(description="whom to call when the clinic is closed")
    practitioners: list[Practitioner] = Field(min_length=1)
    protocol: Slug
    overrides: ProtocolOverrides = ProtocolOverrides()
    numbing: Numbing | None = Field(None, description="the numbing product, if the clinic "
                                                      "uses one")
    review: Review
    price: Price
    paper: PaperSize = "a4"
    languages: list[Slug] = ["en"]
    locale: str | None = Field(None, pattern=r"^[a-z]{2}_[A-Z]{2}$",
                               description="how dates are written, e.g. en_GB; default: the"
                                           " document's language")
    documents: dict[DocumentKind, DocumentControl] = Field(min_length=1)
    consent: ConsentSettings = ConsentSettings()
    checks: CheckSettings = CheckSettings()

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        """A locale Babel can write dates and prices in."""
        if value is not None:
            try:
                Locale.parse(value)
            except (UnknownLocaleError, ValueError):
                raise ValueError(f"'{value}' is not a locale this tool knows: use a language "
                                 "and country such as en_GB, en_US or de_DE") from None
        return value
