"""The text a document prints, read from its HTML as blocks inside sections.

A block is what a reader takes in as one piece: a paragraph, a list item, a
table cell, a heading, a caption. Citation marks are recorded on their block
and left out of its text. Elements marked ``data-check="skip"`` (the source
list, addresses) and ``aria-hidden`` decorations are not patient-facing prose
and are left out. A ``<br>`` or a classed ``<span>`` (a label, a tag, the
timing of a step) ends a phrase: it starts a new sentence unless the text
before it already ended one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from xml.etree.ElementTree import Element

import tinyhtml5

BLOCK_TAGS = frozenset({"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
                        "figcaption", "caption", "blockquote", "label"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SECTION_TAGS = frozenset({"section", "header"})
UNREAD_TAGS = frozenset({"head", "script", "style", "svg", "input", "textarea", "select"})

LINE_BREAK = "\ue000"
"""Stands for ``<br>`` in block text: a boundary between sentences when no stop precedes it.
A private-use character, so that neither ``str.split`` nor a word pattern takes it for
whitespace or a letter."""


@dataclass
class Block:
    """One piece of printed text and where it sits."""

    tag: str
    section: int
    parts: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)
    list_index: int | None = None

    @cached_property
    def text(self) -> str:
        """The block's text, whitespace collapsed; read once the document is read."""
        return " ".join("".join(self.parts).replace(LINE_BREAK, f" {LINE_BREAK} ").split())

    @cached_property
    def plain(self) -> str:
        """The text as a reader sees it, for messages: phrase breaks become spaces."""
        return " ".join(self.text.replace(LINE_BREAK, " ").split())

    @property
    def is_heading(self) -> bool:
        return self.tag in HEADING_TAGS


@dataclass
class PrintedList:
    """A bulleted or numbered list: how many items it has and whether they are numbered."""

    ordered: bool
    classes: frozenset[str]
    items: list[Block] = field(default_factory=list)


@dataclass
class Section:
    """A section of the document (a ``<section>`` or ``<header>``) and its blocks."""

    name: str
    blocks: list[Block] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The section's first heading, else its name."""
        return next((block.plain for block in self.blocks if block.is_heading and block.plain),
                    self.name)


@dataclass
class PrintedDocument:
    """A document's printed text and the parts of its structure the checks look at."""

    root: Element
    sections: list[Section]
    lists: list[PrintedList]

    @cached_property
    def blocks(self) -> list[Block]:
        """Every block with text, in reading order."""
        return [block for section in self.sections for block in section.blocks
                if block.text.strip(LINE_BREAK + " ")]

    def find(self, tag: str) -> list[Element]:
        """Every element named ``tag`` outside skipped parts."""
        return [element for element in self._read if element.tag == tag]

    @cached_property
    def _read(self) -> list[Element]:
        return _read_elements(self.root)


def read_printed(html: str) -> PrintedDocument:
    """Parse ``html`` (as WeasyPrint does) into sections, blocks and lists."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    reader = _Reader()
    body = root.find("body")
    reader.visit(body if body is not None else root, None, 0)
    sections = [section for section in reader.sections if section.blocks]
    return PrintedDocument(root, sections, reader.lists)


def _name(element: Element) -> str:
    """The element's tag without its namespace (SVG elements carry one)."""
    return element.tag.rpartition("}")[2]


def _skipped(element: Element) -> bool:
    return (_name(element) in UNREAD_TAGS or element.get("data-check") == "skip"
            or element.get("aria-hidden") == "true")


def _read_elements(element: Element) -> list[Element]:
    if not isinstance(element.tag, str) or _skipped(element):
        return []
    found = [element]
    for child in element:
        found.extend(_read_elements(child))
    return found


def _classes(element: Element) -> frozenset[str]:
    return frozenset((element.get("class") or "").split())


class _Reader:
    """Walks the element tree once, in reading order."""

    def __init__(self) -> None:
        self.sections = [Section("document")]
        self.lists: list[PrintedList] = []
        self._list_stack: list[int] = []

    def visit(self, element: Element, block: Block | None, section: int) -> None:
        if not isinstance(element.tag, str) or _skipped(element):
            return
        tag = element.tag
        if tag == "sup" and "cite" in _classes(element):
            if block is not None:
                block.citations.extend(int(number) for number in
                                       re.findall(r"\d+", "".join(element.itertext())))
            return
        if tag in SECTION_TAGS:
            self.sections.append(Section(element.get("id") or " ".join(sorted(
                _classes(element))) or tag))
            section = len(self.sections) - 1
        if tag in ("ul", "ol"):
            self.lists.append(PrintedList(tag == "ol", _classes(element)))
            self._list_stack.append(len(self.lists) - 1)
        if tag in BLOCK_TAGS or (block is None and _has_own_text(element)):
            block = Block(tag, section)  # text outside any block is a block of its own
            if tag == "li" and self._list_stack:
                block.list_index = self._list_stack[-1]
                self.lists[block.list_index].items.append(block)
            self.sections[section].blocks.append(block)
        if block is not None and element.text:
            block.parts.append(element.text)
        for child in element:
            if block is not None and (child.tag == "br" or _is_fragment(child)):
                block.parts.append(LINE_BREAK)
            self.visit(child, block, section)
            if block is not None and child.tail:
                block.parts.append(child.tail)
        if tag in ("ul", "ol"):
            self._list_stack.pop()


def _is_fragment(element: Element) -> bool:
    """A classed ``<span>`` (a label, a tag, a step's timing) reads as a phrase of its own."""
    return element.tag == "span" and bool(element.get("class"))


def _has_own_text(element: Element) -> bool:
    return bool((element.text or "").strip()
                or any((child.tail or "").strip() for child in element))
