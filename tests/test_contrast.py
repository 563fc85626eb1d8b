"""The WCAG 2.x contrast maths and the brand colour parser, against known values."""

from __future__ import annotations

import pytest

from brochure.models import contrast
from brochure.models.colours import NotAColour, parse

BLACK = (0.0, 0.0, 0.0)
WHITE = (1.0, 1.0, 1.0)


def rgb(hex_text: str) -> contrast.RGB:
    value = hex_text.lstrip("#")
    red, green, blue = (int(value[index:index + 2], 16) / 255 for index in (0, 2, 4))
    return red, green, blue


def test_black_on_white_is_21_to_1() -> None:
    assert contrast.ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast.ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast.shown(contrast.ratio(BLACK, WHITE)) == "21.00:1"


def test_same_colour_is_1_to_1() -> None:
    assert contrast.ratio(rgb("#12355B"), rgb("#12355B")) == pytest.approx(1.0)


@pytest.mark.parametrize(("text", "backdrop", "expected"), [
    ("#777777", "#FFFFFF", 4.48),   # the classic just-failing grey
    ("#767676", "#FFFFFF", 4.54),   # the lightest grey that passes on white
    ("#FF0000", "#FFFFFF", 4.00),
    ("#0000FF", "#FFFFFF", 8.59),
    ("#12355B", "#FFFFFF", 12.46),  # Harbor's navy, as its _brand.yml notes (12.5:1)
])
def test_known_ratios(text: str, backdrop: str, expected: float) -> None:
    assert contrast.ratio(rgb(text), rgb(backdrop)) == pytest.approx(expected, abs=0.005)


def test_luminance_ends() -> None:
    assert contrast.luminance(BLACK) == 0.0
    assert contrast.luminance(WHITE) == pytest.approx(1.0)


@pytest.mark.parametrize(("points", "weight", "large"), [
    (12, 400, False), (12, 700, False), (14, 700, True), (14, 600, False),
    (18, 400, True), (17.9, 400, False), (13.99, 700, False),
])
def test_large_text(points: float, weight: int, large: bool) -> None:
    """18 pt (24 px), or 14 pt (18.66 px) bold, is large and needs 3:1; the rest 4.5:1."""
    assert contrast.is_large(points, weight) is large
    assert contrast.minimum(points, weight) == (3.0 if large else 4.5)


def test_shown_never_rounds_a_failure_up_to_a_pass() -> None:
    assert contrast.shown(4.478) == "4.48:1"
    assert contrast.shown(4.4996, 4.5) == "4.499:1"
    assert contrast.shown(4.4996) == "4.50:1"


def test_darker_shade_is_the_nearest_that_passes() -> None:
    shade = contrast.darker_shade(rgb("#777777"), WHITE, 4.5)
    assert shade is not None
    assert contrast.hex_colour(shade) == "#767676"
    assert contrast.ratio(shade, WHITE) >= 4.5
    assert contrast.darker_shade(rgb("#777777"), rgb("#333333"), 4.5) is None


def test_lighter_shade_passes() -> None:
    shade = contrast.lighter_shade(rgb("#556677"), rgb("#1C2B39"), 4.5)
    assert shade is not None
    assert contrast.ratio(shade, rgb("#1C2B39")) >= 4.5
    assert contrast.lighter_shade(rgb("#556677"), rgb("#AAAAAA"), 4.5) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("#12355B", "#12355b"), ("#fff", "#ffffff"), ("navy", "#000080"),
    ("rgb(31, 78, 121)", "#1f4e79"), ("hsl(0, 100%, 50%)", "#ff0000"), ("#123f", "#112233"),
])
def test_colours_accepted(text: str, expected: str) -> None:
    assert contrast.hex_colour(parse(text)) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("blueish", "is not a colour"),
    ("blue-ish", "is not a colour"),
    ("#12345", "3 or 6 digits"),
    ("inherit", "takes its colour from where it is used"),
    ("currentColor", "takes its colour from where it is used"),
    ("initial", "takes its colour from where it is used"),
    ("unset", "takes its colour from where it is used"),
    ("revert", "takes its colour from where it is used"),
    ("transparent", "no colour"),
    ("rgba(0, 0, 0, 0.5)", "see-through"),
    ("rgb(300, 0, 0)", "out of range"),
    ("hsl(200, 150%, 30%)", "out of range"),
    ("oklch(50% 0.1 200)", "hex, rgb() or hsl()"),
    ("light-dark(#000, #fff)", "hex, rgb() or hsl()"),
    ("red; } body { display: none", "is not a colour"),
    ("", "is not a colour"),
])
def test_colours_refused(text: str, reason: str) -> None:
    with pytest.raises(NotAColour, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse(text)
