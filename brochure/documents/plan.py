"""A clinic's course as a patient plans it: sessions, reviews, the days after, and the cost."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_currency

from ..models.base import EN_DASH, Count, Duration
from ..models.clinic import Price, Review
from ..models.content import AftercareStep, Protocol

HOURS_PER_WEEK = 168
WORD_JOINER = "\u2060"
"""Keeps "4-7" on one line."""


def course_sessions(protocol: Protocol) -> Count:
    """The sessions of the first course: the phases' sum, and never fewer than the minimum."""
    low = sum(phase.sessions.low for phase in protocol.phases)
    high = sum(phase.sessions.high for phase in protocol.phases)
    least = protocol.minimum_sessions or 0
    return Count(max(low, least), max(high, least))


def money(amount: Decimal, currency: str, locale: str) -> str:
    """``amount`` as the locale writes it: ``$3,500``, ``£180``, ``3.500 €``; cents only when
    there are any."""
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        pattern = pattern.replace(".00", "")
    return format_currency(amount, currency, locale=locale, format=pattern,
                           currency_digits=False)


@dataclass(frozen=True)
class Costs:
    """What a patient pays, worked out from the clinic's prices and the course's sessions."""

    session: str
    course: str
    top_up: str
    consultation: str | None
    """``None`` when the clinic does not say; "free" is its own word in the templates."""
    consultation_free: bool


def course_costs(price: Price, sessions: Count, locale: str) -> Costs:
    """The price of a session, of the whole first course (a range) and of a top-up."""
    def written(amount: Decimal) -> str:
        return money(amount, price.currency, locale)

    low, high = price.session * sessions.low, price.session * sessions.high
    course = written(low) if low == high else f"{written(low)}{EN_DASH}{written(high)}"
    consultation = price.consultation
    return Costs(written(price.session), course, written(price.top_up or price.session),
                 None if consultation is None or consultation == 0 else written(consultation),
                 consultation == 0)


def review_times(review: Review, locale: str) -> str:
    """The review times in words: ``3 months and 6 months``."""
    return format_list([str(point) for point in review.at], locale=locale)


@dataclass(frozen=True)
class AftercareDay:
    """A column of the aftercare checklist: a stretch of hours after the session."""

    label: str
    start: float
    end: float


AFTERCARE_DAYS = (AftercareDay("Session day", 0, 24), AftercareDay("Day 2", 24, 48),
                  AftercareDay("Day 3", 48, 72), AftercareDay("Day 4", 72, 96),
                  AftercareDay(f"Days 5{WORD_JOINER}{EN_DASH}{WORD_JOINER}7", 96, 168))
"""The columns of the day-by-day table; hours count from the start of the session day."""


def hours(duration: Duration | None, end: bool = False) -> float:
    """A duration in hours (its upper end with ``end``); none counts as straight away."""
    if duration is None:
        return 0.0
    low, high = duration.weeks
    return (high if end else low) * HOURS_PER_WEEK


def aftercare_days(step: AftercareStep) -> list[bool]:
    """For each column of :data:`AFTERCARE_DAYS`, whether ``step`` may hold during it.

    The session may be at any hour of its day, so a step that lasts 24 hours may reach into
    day 2: a day is ticked when the step holds in it for some session time.
    """
    start, until = hours(step.start), hours(step.until, end=True)
    return [start < day.end and until > day.start - 24 for day in AFTERCARE_DAYS]
