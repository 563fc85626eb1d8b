"""Durations, session counts and the clinic's protocol overrides, as templates print them."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from brochure.models.base import CountField, DurationField
from brochure.models.clinic import ProtocolOverrides
from brochure.models.content import Protocol
from brochure.scoping import effective_protocol

DURATION: TypeAdapter = TypeAdapter(DurationField)
COUNT: TypeAdapter = TypeAdapter(CountField)


@pytest.mark.parametrize(("written", "printed", "cadence"), [
    ("20 minutes", "20 minutes", "20 minutes"),
    ("1 week", "1 week", "week"),
    ("2 weeks", "2 weeks", "2 weeks"),
    ("2-3 months", "2\N{EN DASH}3 months", "2\N{EN DASH}3 months"),
    ("2 to 3 months", "2\N{EN DASH}3 months", "2\N{EN DASH}3 months"),
    ("3\N{EN DASH}4 weeks", "3\N{EN DASH}4 weeks", "3\N{EN DASH}4 weeks"),
])
def test_durations_print_with_an_en_dash(written: str, printed: str, cadence: str) -> None:
    duration = DURATION.validate_python(written)
    assert str(duration) == printed
    assert duration.cadence == cadence


@pytest.mark.parametrize("written", ["fortnightly", "3-2 weeks", "2 years", 14, ""])
def test_bad_durations_are_refused(written: object) -> None:
    with pytest.raises(ValidationError):
        DURATION.validate_python(written)


@pytest.mark.parametrize(("written", "printed"), [(10, "10"), ("3-4", "3\N{EN DASH}4"), ("6", "6")])
def test_counts(written: object, printed: str) -> None:
    assert str(COUNT.validate_python(written)) == printed


@pytest.mark.parametrize("written", [0, "4-3", True, "many", 2.5])
def test_bad_counts_are_refused(written: object) -> None:
    with pytest.raises(ValidationError):
        COUNT.validate_python(written)


def _protocol() -> Protocol:
    return Protocol.model_validate({
        "name": "Scalp injections", "route": "injected", "technique": "t", "purpose": "p",
        "area": "a", "session_length": "20 minutes", "without_numbing": "none",
        "recovery": "r", "minimum_sessions": 10, "maintenance": "m",
        "diagram": {"caption": "c", "alt": "a"},
        "phases": [
            {"name": "First", "sessions": "5-6", "interval": "2 weeks", "span": "2-3 months"},
            {"name": "Second", "sessions": "4-5", "interval": "3-4 weeks"},
        ],
    })


def test_overrides_replace_only_what_they_set() -> None:
    overrides = ProtocolOverrides.model_validate({
        "minimum_sessions": 12, "session_length": "30 minutes",
        "phases": [{"sessions": 7}],
    })
    protocol = effective_protocol(_protocol(), overrides)
    assert protocol.minimum_sessions == 12
    assert str(protocol.session_length) == "30 minutes"
    assert str(protocol.phases[0].sessions) == "7"
    assert protocol.phases[0].interval.cadence == "2 weeks"  # not overridden
    assert str(protocol.phases[0].span) == "2\N{EN DASH}3 months"
    assert str(protocol.phases[1].sessions) == "4\N{EN DASH}5"


def test_no_overrides_is_the_shared_protocol() -> None:
    shared = _protocol()
    assert effective_protocol(shared, ProtocolOverrides()) == shared
