"""Contrast of text on its background, as WCAG 2.x measures it.

Colours are sRGB triples of channels from 0 to 1. Nothing here knows about brands or
templates: :mod:`brochure.models.brand` says which colours meet where.
"""

from __future__ import annotations

RGB = tuple[float, float, float]

BODY_MINIMUM = 4.5
"""WCAG 2.x 1.4.3 (AA): the least contrast of body-size text."""
LARGE_MINIMUM = 3.0
"""WCAG 2.x 1.4.3 (AA): the least contrast of large text."""
LARGE_POINTS = 18.0
"""Text this size (24 px) or larger is large."""
LARGE_BOLD_POINTS = 14.0
"""Bold text (weight 700 or more) this size (18.66 px) or larger is large."""
BOLD = 700


def _linear(channel: float) -> float:
    """An sRGB channel (0 to 1) as linear light (WCAG 2.x's formula and threshold)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def luminance(colour: RGB) -> float:
    """Relative luminance: 0 for black, 1 for white."""
    red, green, blue = (_linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ratio(first: RGB, second: RGB) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black and white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_large(points: float, weight: int) -> bool:
    """Whether text of this size (in points) and weight counts as large for WCAG 2.x."""
    return points >= LARGE_POINTS or (weight >= BOLD and points >= LARGE_BOLD_POINTS)


def minimum(points: float, weight: int) -> float:
    """The least contrast text of this size and weight needs."""
    return LARGE_MINIMUM if is_large(points, weight) else BODY_MINIMUM


def shown(value: float, needed: float | None = None) -> str:
    """A ratio as people quote it, ``4.48:1``; with more digits where rounding would make a
    ratio below ``needed`` read as passing (``4.499:1``)."""
    text = f"{value:.2f}"
    if needed is not None and value < needed <= float(text):
        text = f"{int(value * 1000) / 1000:.3f}"
    return f"{text}:1"


def hex_colour(colour: RGB) -> str:
    """``#1f4e79``."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, channel)) * 255):02x}" for channel in colour)


def darker_shade(colour: RGB, against: RGB, needed: float) -> RGB | None:
    """The lightest shade of ``colour`` (mixed with black, so its hue stays) that has
    ``needed`` contrast with ``against``; None if even black has not."""
    return _nearest(colour, against, needed, (0.0, 0.0, 0.0))


def lighter_shade(colour: RGB, against: RGB, needed: float) -> RGB | None:
    """The darkest tint of ``colour`` (mixed with white) that has ``needed`` contrast with
    ``against``; None if even white has not."""
    return _nearest(colour, against, needed, (1.0, 1.0, 1.0))


def _nearest(colour: RGB, against: RGB, needed: float, end: RGB) -> RGB | None:
    """The mix of ``colour`` with ``end`` nearest to ``colour`` that has ``needed`` contrast
    with ``against``, in whole 8-bit channels."""
    if ratio(end, against) < needed:
        return None
    if ratio(colour, against) >= needed:
        return colour
    low, high = 0.0, 1.0  # the share of ``end``: low fails, high passes
    for _ in range(30):
        middle = (low + high) / 2
        if ratio(_mixed(colour, end, middle), against) >= needed:
            high = middle
        else:
            low = middle
    shade = _rounded(_mixed(colour, end, high))
    step = 1 / 255 if end[0] else -1 / 255  # rounding may have lost the last bit: go on
    while ratio(shade, against) < needed:
        red, green, blue = (min(1.0, max(0.0, channel + step)) for channel in shade)
        shade = _rounded((red, green, blue))
    return shade


def _mixed(colour: RGB, end: RGB, share: float) -> RGB:
    red, green, blue = (channel + (target - channel) * share
                        for channel, target in zip(colour, end, strict=True))
    return red, green, blue


def _rounded(colour: RGB) -> RGB:
    red, green, blue = (round(min(1.0, max(0.0, channel)) * 255) / 255 for channel in colour)
    return red, green, blue
