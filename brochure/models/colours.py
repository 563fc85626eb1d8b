"""Brand colours: what a ``_brand.yml`` may give as a colour, read as WeasyPrint reads it.

A brand colour goes into the CSS of every document, so it is parsed with the CSS colour
parser WeasyPrint uses (tinycss2's). Only colours that print the same wherever they are used
are accepted: solid sRGB colours written as hex, a CSS colour name, ``rgb()``, ``hsl()`` or
``hwb()``. Refused, with the reason:

- keywords whose colour depends on where they are used (``currentcolor``, ``inherit``,
  ``initial``, ``unset``, ``revert``): they make the cover lose its band or stop the render;
- ``transparent`` and colours with an alpha below 1: what prints depends on what lies under
  them, so their contrast cannot be checked;
- channels out of range (``rgb(300, 0, 0)``): CSS would quietly print the nearest colour it
  can, which is not the colour written;
- other colour spaces (``lab()``, ``oklch()``, ``color()``, ``light-dark()``...): their
  printed colour and contrast are not certain.
"""

from __future__ import annotations

import tinycss2
from tinycss2.ast import FunctionBlock, HashToken, IdentToken
from tinycss2.color5 import parse_color

from .contrast import RGB

EXAMPLE = 'a colour such as "#1f4e79" or "rgb(31, 78, 121)"'
"""What the brand may give, as messages say it."""
CONTEXT_KEYWORDS = ("currentcolor", "inherit", "initial", "unset", "revert", "revert-layer")
FUNCTIONS = ("rgb", "rgba", "hsl", "hsla", "hwb")
_EPSILON = 1e-6
_RANGES = {
    "srgb": (0, 1.0, "red, green and blue go from 0 to 255 (or 0% to 100%)"),
    "hsl": (1, 100.0, "saturation and lightness go from 0% to 100%"),
    "hwb": (1, 100.0, "whiteness and blackness go from 0% to 100%"),
}
"""Each colour space used: its first checked coordinate (hue goes round), the top of its
range, and the range in words."""


class NotAColour(ValueError):
    """Why a value is not a brand colour, in plain words."""


def parse(text: str) -> RGB:
    """The sRGB channels (0 to 1) of a brand colour; raise :class:`NotAColour` saying why
    ``text`` is not one."""
    value = text.strip()
    token = tinycss2.parse_one_component_value(value, skip_comments=True)
    if isinstance(token, IdentToken) and token.lower_value in CONTEXT_KEYWORDS:
        raise NotAColour(f"'{value}' is not a colour of its own: it takes its colour from "
                         "where it is used, which the brand cannot do")
    if isinstance(token, IdentToken) and token.lower_value == "transparent":
        raise NotAColour("'transparent' is no colour: text or a band in it would not print")
    if isinstance(token, FunctionBlock) and token.lower_name not in FUNCTIONS:
        raise NotAColour(f"'{value}': colours written with {token.name}() are not used here, "
                         "as their printed colour is not certain: give the colour in hex, "
                         "rgb() or hsl()")
    if isinstance(token, HashToken) and len(token.value) not in (3, 4, 6, 8):
        raise NotAColour(f"'{value}' is not a colour: a hex colour has 3 or 6 digits after "
                         "the #")
    colour = parse_color(value)
    if colour is None or isinstance(colour, str):
        raise NotAColour(f"'{value}' is not a colour")
    if colour.alpha < 1:
        raise NotAColour(f"'{value}' is see-through (alpha {colour.alpha:.2g}): what prints "
                         "would depend on what lies under it. Give a solid colour")
    if colour.space not in _RANGES:
        raise NotAColour(f"'{value}' is in a colour space that is not used here: give the "
                         "colour in hex, rgb() or hsl()")
    first, top, names = _RANGES[colour.space]
    if not all(coordinate is not None and -_EPSILON <= coordinate <= top + _EPSILON
               for coordinate in colour.coordinates[first:]):
        raise NotAColour(f"'{value}' is out of range: {names}, and CSS would print another "
                         "colour")
    red, green, blue = (min(1.0, max(0.0, channel or 0.0))
                        for channel in colour.to("srgb").coordinates)
    return red, green, blue
