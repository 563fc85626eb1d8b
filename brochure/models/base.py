"""Shared building blocks of the models: strict base class, durations, counts, cited text."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="a lower-case id")]


class StrictModel(BaseModel):
    """A model that refuses unknown keys and cannot be changed once built."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


EN_DASH = "\u2013"
"""Printed between the ends of a range, as typesetting asks."""
_RANGE = r"\s*(?:-|\u2013|to)\s*"

UNITS = {"minute": 1 / 10080, "hour": 1 / 168, "day": 1 / 7, "week": 1.0, "month": 52 / 12}
_DURATION = re.compile(
    rf"^(?P<low>\d+(?:\.\d+)?)(?:{_RANGE}(?P<high>\d+(?:\.\d+)?))?\s*"
    r"(?P<unit>minute|hour|day|week|month)s?$"
)
_COUNT = re.compile(rf"^(?P<low>\d+)(?:{_RANGE}(?P<high>\d+))?$")


def _number(text: str) -> str:
    return text.removesuffix(".0")


@dataclass(frozen=True)
class Duration:
    """A length of time, exact ("20 minutes") or a range ("2-3 months")."""

    low: float
    high: float
    unit: str

    @property
    def weeks(self) -> tuple[float, float]:
        """The range in weeks, for drawing timelines."""
        factor = UNITS[self.unit]
        return self.low * factor, self.high * factor

    @property
    def cadence(self) -> str:
        """How it reads after "every": ``week`` for one week, else ``2 weeks``."""
        return self.unit if self.low == self.high == 1 else str(self)

    def __str__(self) -> str:
        value = _number(str(self.low))
        if self.high != self.low:
            value += f"{EN_DASH}{_number(str(self.high))}"
        plural = "" if self.high == 1 else "s"
        return f"{value} {self.unit}{plural}"


@dataclass(frozen=True)
class Count:
    """A number of sessions, exact (10) or a range ("3-4")."""

    low: int
    high: int

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}{EN_DASH}{self.high}"


def _parse_duration(value: Any) -> Any:
    if isinstance(value, Duration):
        return value
    match = _DURATION.match(str(value).strip().lower()) if isinstance(value, str) else None
    if not match:
        raise ValueError("expected a duration such as '20 minutes', '2 weeks' or '2-3 months'")
    low = float(match["low"])
    high = float(match["high"] or low)
    if high < low:
        raise ValueError("the range must go from low to high, such as '2-3 months'")
    return Duration(low, high, match["unit"])


def _parse_count(value: Any) -> Any:
    if isinstance(value, Count):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _COUNT.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("expected a whole number such as 10, or a range such as '3-4'")
    low = int(match["low"])
    high = int(match["high"] or low)
    if low < 1 or high < low:
        raise ValueError("expected at least 1, and a range that goes from low to high")
    return Count(low, high)


_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?P<time>[Tt ].*)?$")
_A_DATE = "write the date as year-month-day, such as 2027-01-31"


def _parse_date(value: Any) -> Any:
    """A date written year-month-day, quoted or not (the YAML loader keeps it as text).

    A number is refused: pydantic would read 20270101 as seconds since 1970."""
    if isinstance(value, datetime):
        value = value.isoformat(" ")
    elif isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{value} is a number, not a date: {_A_DATE}")
    if not isinstance(value, str):
        raise ValueError(f"this is not a date: {_A_DATE}")
    match = _DATE.match(value.strip())
    if not match:
        raise ValueError(f"'{value}' is not a date: {_A_DATE}")
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["time"]:
        raise ValueError(f"give the day only, without a time of day: {year:04d}-{month:02d}-"
                         f"{day:02d}")
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}: {_A_DATE}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"there is no day {day} in {calendar.month_name[month]} {year} (it has "
                         f"{days} days): {_A_DATE}")
    return date(year, month, day)


DateField = Annotated[date, BeforeValidator(_parse_date)]
"""A day, written 2027-01-31 with or without quotes; never a number or a time of day."""

DurationField = Annotated[Duration, BeforeValidator(_parse_duration), PlainSerializer(str)]
CountField = Annotated[Count, BeforeValidator(_parse_count), PlainSerializer(str)]


class Treatment(StrictModel):
    """What one clinic gives: which protocol, by which route, with which ingredients.

    Content items are printed for a clinic only when their :class:`Scoped` limits
    admit its treatment.
    """

    protocol: str
    route: str
    ingredients: tuple[str, ...]
    numbing: bool


class Scoped(StrictModel):
    """A content item that may apply to some treatments only. Empty limits admit all.

    ``protocols`` names the protocols it is true for; ``ingredients`` limits it to
    treatments that use one of them; ``numbing`` to clinics that do (true) or do not
    (false) numb the scalp.
    """

    protocols: list[Slug] = []
    ingredients: list[Slug] = []
    numbing: bool | None = None

    def applies_to(self, treatment: Treatment) -> bool:
        """Whether a clinic giving ``treatment`` prints this item."""
        return ((not self.protocols or treatment.protocol in self.protocols)
                and (not self.ingredients
                     or any(name in treatment.ingredients for name in self.ingredients))
                and (self.numbing is None or self.numbing == treatment.numbing))


class Cited(Scoped):
    """A statement, the ids of the sources that support it, and where it applies."""

    text: str
    sources: list[Slug] = []


def _promote_text(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


CitedText = Annotated[Cited, BeforeValidator(_promote_text)]
"""A statement written either as plain text or as ``{text, sources, protocols...}``."""
