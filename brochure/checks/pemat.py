"""PEMAT-P (AHRQ 2013) on a printed document: the items a program can judge, and the rest.

PEMAT-P has 24 items, 17 on understandability and 7 on actionability. A
program can judge 11 of them from a document's structure (a summary, headings,
defined terms, numbered steps...); the other 13 (is the purpose evident? are
the words everyday ones? are the numbers clear?) need a person. Each judged
item is met, not met, or does not apply; the scores here are the share of the
judged, applicable items met, and say so. A full scoring by people is recorded
in docs/pemat-scores.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from ..errors import Location
from .findings import Finding, ItemResult
from .printed import LINE_BREAK, Block, PrintedDocument
from .wording import WordLists, sentences, words

Locate = Callable[[str], Location]

MAX_LIST_ITEMS = 7
"""CDC Clear Communication Index: lists of seven items or fewer."""
MAX_SECTION_WORDS = 250
"""Words between two headings; beyond this a reader loses the thread."""

SUMMARY_HEADINGS = re.compile(r"\b(at a glance|summary|in short|in brief|key points)\b", re.I)
GENERIC_HEADINGS = frozenset({
    "introduction", "information", "info", "overview", "details", "general", "other", "more",
    "further", "additional", "miscellaneous", "misc", "notes", "background", "section",
    "part", "page", "text", "and"})
"""Headings made only of these words (and numbers) say nothing about what follows."""
ACTION_VERBS = frozenset({
    "allow", "apply", "arrange", "ask", "avoid", "book", "bring", "call", "check", "choose",
    "come", "contact", "continue", "cover", "do", "don't", "drink", "eat", "follow", "get",
    "give", "go", "keep", "let", "limit", "make", "plan", "protect", "put", "read", "remember",
    "rest", "scan", "see", "sign", "sleep", "stay", "stop", "take", "talk", "tell", "tick",
    "try", "use", "wait", "wash", "wear", "write"})
YOU = frozenset({"you", "your", "yours", "yourself"})


@dataclass(frozen=True)
class _Document:
    """What the items read: the printed document, the word lists and a locator."""

    printed: PrintedDocument
    lists: WordLists
    locate: Locate


def pemat_items(printed: PrintedDocument, lists: WordLists, locate: Locate
                ) -> tuple[list[ItemResult], list[Finding]]:
    """Every item's result (those that need a person are not judged), and a located finding
    for each thing that fails a judged one."""
    document = _Document(printed, lists, locate)
    results, findings = [], []
    for number, item_id, domain, title, check in ITEMS:
        if check is None:
            results.append(ItemResult(item_id, domain, title, None,  # type: ignore[arg-type]
                                      number=number, judged=False))
            continue
        problems = list(check(document))
        met = None if problems == [None] else not problems
        located = [problem for problem in problems if problem is not None]
        findings.extend(located)
        detail = located[0].message if located else ""
        results.append(ItemResult(item_id, domain, title, met,  # type: ignore[arg-type]
                                  detail, number=number))
    return results, findings


def is_action(sentence: str) -> bool:
    """An instruction: it opens with a verb of doing, or tells "you" what to do."""
    found = words(sentence)
    if not found:
        return False
    if found[0] == "please" and len(found) > 1:
        found = found[1:]
    return (found[0] in ACTION_VERBS
            or bool(re.search(r"\byou (should|must|need to|can|will need to)\b",
                              sentence.lower())))


def _prose(document: _Document) -> list[Block]:
    return [block for block in document.printed.blocks if not block.is_heading]


def _item(document: _Document, message: str, block_text: str, suggestion: str,
          rule: str = "pemat.item") -> Finding:
    return Finding(document.locate(block_text), rule, message, suggestion)


Check = Callable[[_Document], Iterator["Finding | None"]]


def _summary(document: _Document) -> Iterator[Finding | None]:
    headings = [block.text for block in document.printed.blocks if block.is_heading]
    if not any(SUMMARY_HEADINGS.search(heading) for heading in headings):
        first = headings[0] if headings else ""
        yield _item(document, "no summary: add a short 'At a glance' or 'In short' part",
                    first, "open with the main points under a heading such as 'In short'")


def _terms_defined(document: _Document) -> Iterator[Finding | None]:
    unseen = {term: _use_of(term) for term in document.lists.jargon}
    for block in _prose(document):
        split = sentences(block.text)
        for index, sentence in enumerate(split):
            for term, use in list(unseen.items()):
                if not use.search(sentence):
                    continue
                del unseen[term]
                plain = document.lists.jargon[term]
                following = split[index + 1] if index + 1 < len(split) else ""
                if not _defines(sentence, following, term, plain):
                    yield _item(document, f"'{term}' is not explained where it is first used: "
                                          f'"{sentence}"', sentence,
                                f"explain it in plain words, such as '{plain.split(';')[0]}'",
                                "jargon.undefined")


def _use_of(term: str) -> re.Pattern[str]:
    """The term as a word, plural too; an all-capitals term (DHT) only in capitals."""
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])", flags)


def _defines(sentence: str, following: str, term: str, plain: str) -> bool:
    """Whether ``sentence`` (or the next one) explains ``term``."""
    near = {_stem(word) for word in words(f"{sentence} {following}")}
    for meaning in plain.split(";"):
        wanted = {_stem(word) for word in words(meaning)}
        if wanted and wanted <= near:
            return True
    escaped = re.escape(term)
    return re.search(rf"{escaped}\w*\s*(\(|,? or\b|\u2013|\u2014| means\b| is an? \b)"
                     rf"|\b(called|known as)\s+{escaped}", sentence, re.IGNORECASE) is not None


def _stem(word: str) -> str:
    """``word`` without a plural ending, so "pockets" explains "pocket"."""
    return re.sub(r"(?<=\w\w)(es|s)$", "", word)


def _short_sections(document: _Document) -> Iterator[Finding | None]:
    chunk: list[Block] = []
    for block in [*document.printed.blocks, None]:
        if block is None or block.is_heading:
            count = sum(len(words(part.text)) for part in chunk)
            if count > MAX_SECTION_WORDS:
                yield _item(document, f"a part of {count} words runs without a heading "
                                      f"(at most {MAX_SECTION_WORDS})", chunk[0].text,
                            "split it under informative headings")
            chunk = []
        else:
            chunk.append(block)


def _informative_headings(document: _Document) -> Iterator[Finding | None]:
    for block in document.printed.blocks:
        if block.is_heading:
            found = [word for word in words(block.text) if not word.isdigit()]
            if not found or set(found) <= GENERIC_HEADINGS:
                yield _item(document, f"heading '{block.plain}' does not say what follows",
                            block.text, "name what the part tells the reader")


def long_lists(printed: PrintedDocument, locate: Locate) -> Iterator[Finding]:
    """Lists of more than seven items (CDC Clear Communication Index), each where it starts."""
    for printed_list in printed.lists:
        if len(printed_list.items) > MAX_LIST_ITEMS:
            first = printed_list.items[0].plain
            yield Finding(locate(first), "lists.long",
                          f"a list of {len(printed_list.items)} items (at most "
                          f"{MAX_LIST_ITEMS}) starting \"{first}\"",
                          "split it into shorter lists under their own headings")


def _captions(document: _Document) -> Iterator[Finding | None]:
    return _every(document, "figure", lambda figure: figure.find("figcaption") is not None,
                  "a figure has no caption",
                  "add a <figcaption> that says what the picture shows")


def _tables(document: _Document) -> Iterator[Finding | None]:
    return _every(document, "table", lambda table: any(cell.tag == "th" for cell in table.iter()),
                  "a table has no header cells", "give each column or row a <th> heading")


def _every(document: _Document, tag: str, has: Callable[[Element], bool], message: str,
           suggestion: str) -> Iterator[Finding | None]:
    """A finding for each ``tag`` element that lacks what ``has`` looks for; ``None`` (the
    item does not apply) when there is no such element."""
    elements = document.printed.find(tag)
    if not elements:
        yield None
    for element in elements:
        if not has(element):
            yield _item(document, message, _text(element), suggestion)


def _visual_cues(document: _Document) -> Iterator[Finding | None]:
    printed = document.printed
    boxed = any("box" in (element.get("class") or "").split()
                for element in printed.find("div"))
    if not (printed.lists or printed.find("strong") or boxed):
        yield _item(document, "nothing draws the eye to key points", "",
                    "use bullets, bold text or a box for the key points")


def _action(document: _Document) -> Iterator[Finding | None]:
    if not any(is_action(sentence) for block in _prose(document)
               for sentence in sentences(block.text)):
        yield _item(document, "no sentence tells the reader what to do", "",
                    "state at least one action, such as 'Call us if ...'")


def _speaks_to_you(document: _Document) -> Iterator[Finding | None]:
    sections = [section for section in document.printed.sections
                if any(not block.is_heading for block in section.blocks)]
    silent = [section for section in sections
              if not any(YOU.intersection(words(block.text)) for block in section.blocks)]
    if len(silent) * 2 > len(sections):
        yield _item(document, f"{len(silent)} of {len(sections)} sections never address the "
                              "reader as 'you'", silent[0].title,
                    "write to the reader: 'you', 'your'")


def _numbered_steps(document: _Document) -> Iterator[Finding | None]:
    action_lists = [printed_list for printed_list in document.printed.lists
                    if len(printed_list.items) >= 2
                    and sum(_opens_with_action(item.text)
                            for item in printed_list.items) * 2 >= len(printed_list.items)]
    if not action_lists:
        yield None
    for printed_list in action_lists:
        if not printed_list.ordered:
            first = printed_list.items[0].plain
            yield _item(document, f'a list of steps is not numbered: "{first}"', first,
                        "number the steps (an ordered list)")


def _opens_with_action(text: str) -> bool:
    """Whether a list item is a step: its text, past a label such as "On the day:", is an
    instruction."""
    phrases = [phrase for phrase in text.split(LINE_BREAK) if phrase.strip()][:2]
    for phrase in phrases:
        for part in (phrase, phrase.partition(":")[2]):
            first = sentences(part)[:1]
            if first and is_action(first[0]):
                return True
    return False


def _tangible_tool(document: _Document) -> Iterator[Finding | None]:
    printed = document.printed
    tools = [element for element in printed.root.iter()
             if {"checklist", "ticks"} & set((element.get("class") or "").split())
             or (element.tag == "input" and element.get("type") == "checkbox")]
    if not tools:
        yield _item(document, "no checklist or other tool the reader can use", "",
                    "add a checklist with tick boxes for the steps")


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


PemItem = tuple[int, str, str, str, "Check | None"]

ITEMS: tuple[PemItem, ...] = (
    (1, "purpose", "understandability", "The material makes its purpose completely evident",
     None),
    (2, "no-distraction", "understandability",
     "The material does not include information that distracts from its purpose", None),
    (3, "everyday-words", "understandability", "The material uses common, everyday language",
     None),
    (4, "terms-defined", "understandability", "Medical terms are defined where first used",
     _terms_defined),
    (5, "active-voice", "understandability", "The material uses the active voice", None),
    (6, "clear-numbers", "understandability",
     "Numbers appearing in the material are clear and easy to understand", None),
    (7, "no-calculations", "understandability",
     "The material does not expect the user to perform calculations", None),
    (8, "short-sections", "understandability", "The material is broken into short sections",
     _short_sections),
    (9, "informative-headings", "understandability", "Section headings are informative",
     _informative_headings),
    (10, "logical-order", "understandability",
     "The material presents information in a logical sequence", None),
    (11, "summary", "understandability", "The material provides a summary", _summary),
    (12, "visual-cues", "understandability", "Visual cues draw attention to key points",
     _visual_cues),
    (15, "visual-aids", "understandability",
     "Visual aids are used whenever they could make content easier to understand", None),
    (16, "aids-reinforce", "understandability",
     "Visual aids reinforce rather than distract from the content", None),
    (17, "captions", "understandability", "Visual aids have clear titles or captions",
     _captions),
    (18, "clear-illustrations", "understandability",
     "Illustrations and photographs are clear and uncluttered", None),
    (19, "tables", "understandability", "Tables have short, clear row or column headings",
     _tables),
    (20, "action", "actionability", "At least one action the reader can take", _action),
    (21, "speaks-to-you", "actionability", "The material addresses the reader as 'you'",
     _speaks_to_you),
    (22, "numbered-steps", "actionability", "Actions are broken into numbered steps",
     _numbered_steps),
    (23, "tangible-tool", "actionability", "A tangible tool such as a checklist",
     _tangible_tool),
    (24, "calculation-help", "actionability",
     "Simple instructions or examples show how to do any calculation", None),
    (25, "using-charts", "actionability",
     "The material explains how to use its charts, tables or diagrams to act", None),
    (26, "aids-for-action", "actionability",
     "Visual aids are used whenever they could make it easier to act", None),
)
"""Every PEMAT-P item: its number, id, domain, title, and the check that judges it (None:
it needs a person)."""
