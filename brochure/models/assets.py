"""Font and logo files, opened and read through once when the project loads.

WeasyPrint only finds out that a font or an image is damaged while it prints: a font file
cut short makes a document stop with "Font-face ... cannot be loaded" (naming the family,
not the file) or quietly print in another font, and an image cut short prints half black
(WeasyPrint lets Pillow fill in what is missing). So each file is read here, before anything
is rendered, and a damaged one is named with what is wrong with it. The answers are kept for
as long as the file is unchanged (same size and time of change), so a process that loads the
project again reads each file once.
"""

from __future__ import annotations

import functools
import logging
import re
import struct
import xml.parsers.expat
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, UnidentifiedImageError

from ..compat import truncated_images_refused

MAX_IMAGE_BYTES = 20_000_000
"""A logo file larger than this (20 MB) is refused: a logo needs far less, and a larger file
slows every document it is printed in."""
MAX_IMAGE_PIXELS = 40_000_000
"""A raster logo of more pixels than this (40 megapixels) is refused: 17 mm high at 600 dpi
needs about 400 pixels, and a huge image costs memory in every worker."""
MAX_FONT_BYTES = 50_000_000
IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
FONT_TABLES = ("head", "hhea", "maxp", "OS/2", "name")
"""The tables parsed (they say how the rest is laid out); every table's bytes are read and
checked against its checksum. Tables that need the glyph order (outlines, metrics) are not
parsed: that costs ten times as much, and their checksums find damage in them."""


def font_problem(path: Path) -> str | None:
    """Why the font file at ``path`` cannot be used, or None when it can."""
    status = path.stat()
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its notes on odd dates in fonts are not problems
    try:
        return _font_problem(str(path), status.st_size, status.st_mtime_ns)
    finally:
        logger.setLevel(level)


def image_problem(path: Path) -> str | None:
    """Why the logo file at ``path`` cannot be printed, or None when it can."""
    status = path.stat()
    return _image_problem(str(path), status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _font_problem(name: str, size: int, _mtime: int) -> str | None:
    if size > MAX_FONT_BYTES:
        return f"the font file is larger than {MAX_FONT_BYTES // 1_000_000} MB"
    try:
        font = TTFont(name, lazy=True, checkChecksums=2)
    except (TTLibError, struct.error, ValueError, AssertionError, EOFError, OSError):
        return ("not a usable font file (expected TrueType, OpenType or WOFF): it is not a "
                "font, or it is damaged at its start")
    try:
        for tag in sorted(font.reader.keys()):
            if tag == "DSIG":  # a signature may be stale; fonts are not checked against it
                continue
            font.reader[tag]  # reads the table's bytes and checks its checksum
        for tag in FONT_TABLES:
            if tag in font:
                font[tag]
        if "glyf" not in font and "CFF " not in font and "CFF2" not in font:
            return "the font has no outlines (no glyf or CFF table): it cannot print text"
        if "cmap" not in font:
            return "the font has no character map (cmap): it cannot print text"
    except TTLibError as error:
        if "checksum" in str(error).lower():
            return "the font file is damaged: its data do not match their checksums"
        return "the font file is damaged or cut short"
    except Exception:  # a damaged table fails as its parser happens to fail
        return "the font file is damaged or cut short"
    finally:
        font.close()
    return None


@functools.lru_cache(maxsize=64)
def _image_problem(name: str, size: int, _mtime: int) -> str | None:
    if size > MAX_IMAGE_BYTES:
        return (f"the image is {size / 1_000_000:.0f} MB, more than the "
                f"{MAX_IMAGE_BYTES // 1_000_000} MB a logo may be: save it smaller")
    with open(name, "rb") as stream:
        start = stream.read(512)
    if _looks_like_svg(start):
        return svg_problem(Path(name).read_bytes())
    allowed = ", ".join(IMAGE_FORMATS.values())
    with truncated_images_refused():
        try:
            with Image.open(name) as image:
                if image.format not in IMAGE_FORMATS:
                    return (f"a {image.format} image cannot be used as a logo: use SVG, "
                            f"{allowed}")
                pixels = image.width * image.height
                if pixels > MAX_IMAGE_PIXELS:
                    return (f"the image is {image.width} x {image.height} pixels, more than "
                            f"the {MAX_IMAGE_PIXELS // 1_000_000} megapixels a logo may be: "
                            "save it smaller (17 mm high at 600 dpi is about 400 pixels)")
                image.load()
        except (UnidentifiedImageError, Image.DecompressionBombError):
            return f"not an image file that can be printed (use SVG, {allowed})"
        except Exception:  # Pillow's decoders fail in many ways on damaged data
            return "the image is damaged or cut short: it cannot be read to its end"
    return None


def _looks_like_svg(start: bytes) -> bool:
    text = start.lstrip(b"\xef\xbb\xbf").lstrip()
    return text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE", b"<!doctype"))


_EXTERNAL_STYLE = re.compile(r"@import|url\(\s*['\"]?(?!#)", re.IGNORECASE)
_LINK_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href", "src")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def svg_problem(data: bytes) -> str | None:
    """Why an SVG logo cannot be used, or None: it must parse as XML, be an ``<svg>``, and
    hold nothing that is run or fetched (no DOCTYPE or entities, scripts, event attributes,
    or links other than to its own parts or ``data:``)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    elements: list[str] = []  # the open elements, innermost last
    seen = [0]  # elements started

    def refuse(message: str) -> None:
        raise _Refused(f"line {parser.CurrentLineNumber}: {message}")

    def doctype(*_args: object) -> None:
        refuse("the SVG has a DOCTYPE declaration, which is not allowed in a logo: "
               "delete the <!DOCTYPE ...> lines")

    def entity(*_args: object) -> None:
        refuse("the SVG declares an ENTITY, which is not allowed in a logo: delete it")

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if not seen[0] and local != "svg":
            refuse(f"the file is XML but not an SVG image (it starts with <{local}>)")
        seen[0] += 1
        elements.append(local)
        if local == "script":
            refuse("the SVG holds a script, which is not allowed in a logo: delete the "
                   "<script> element")
        if local == "foreignObject":
            refuse("the SVG holds a <foreignObject>, which is not allowed in a logo")
        for attribute, value in attributes.items():
            short = attribute.rpartition("}")[2]
            if short.lower().startswith("on"):
                refuse(f"the SVG has an event attribute '{short}' (a script), which is not "
                       "allowed in a logo: delete it")
            if attribute in _LINK_ATTRIBUTES and not value.strip().startswith(("#", "data:")):
                refuse(f"the SVG links to '{value}' outside itself, which is not allowed in a "
                       "logo: put the picture inside the SVG")
            if short == "style" and _EXTERNAL_STYLE.search(value):
                refuse("the SVG's style fetches a file from outside itself (url() or "
                       "@import), which is not allowed in a logo")

    def end(_tag: str) -> None:
        elements.pop()

    def text(data: str) -> None:
        if elements and elements[-1] == "style" and _EXTERNAL_STYLE.search(data):
            refuse("the SVG's style fetches a file from outside itself (url() or @import), "
                   "which is not allowed in a logo")

    def external(*_args: object) -> int:
        refuse("the SVG refers to an external entity, which is not allowed in a logo")
        return 0

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ExternalEntityRefHandler = external
    try:
        parser.Parse(data, True)
    except _Refused as refusal:
        return refusal.message
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.ErrorString(error.code)
        return (f"line {error.lineno}: the SVG is not well-formed XML ({reason}): the file "
                "is damaged or cut short; save it again from the drawing program")
    if not seen[0]:
        return "the file holds no SVG image"
    return None
