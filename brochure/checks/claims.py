"""Claims need sources; prescription-only medicines are never named as if advertised.

A sentence is a claim when it holds a percentage, a count of patients, or a
claim word (proven, safe, permanent...) that no "not" or "no" in the four
words before it takes back. It passes only when its block carries a citation of a source the
document lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..errors import Location
from .findings import Finding
from .printed import PrintedDocument
from .wording import NEGATIONS, WordLists, sentences, words

Locate = Callable[[str], Location]

_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten"
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?(?:%|per ?cent\b)", re.IGNORECASE)
_PATIENT_COUNT = re.compile(
    rf"\b(?:\d[\d,]*|{_NUMBER_WORDS})\s+(?:[a-z-]+\s+){{0,2}}?(?:patients|people|men|women|"
    r"persons|participants|volunteers|subjects|clients|users|cases)\b"
    rf"|\b(?:\d+|{_NUMBER_WORDS})\s+(?:in|out of)\s+(?:\d+|{_NUMBER_WORDS})\b", re.IGNORECASE)


NEGATION_REACH = 4
"""How many words before a claim word a "not" or "no" takes it back."""


def claim_trigger(sentence: str, claim_words: tuple[str, ...]) -> str | None:
    """What makes ``sentence`` a claim (the matched words), or ``None``."""
    for pattern in (_PERCENT, _PATIENT_COUNT):
        match = pattern.search(sentence)
        if match:
            return match.group()
    lowered = sentence.lower()
    for word in claim_words:
        for match in re.finditer(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", lowered):
            before = words(lowered[:match.start()])[-NEGATION_REACH:]
            if not NEGATIONS.intersection(before):
                return sentence[match.start():match.end()]
    return None


def claim_findings(printed: PrintedDocument, lists: WordLists, locate: Locate
                   ) -> Iterator[Finding]:
    """Unsourced claims, and citations of sources the document does not list."""
    for block in printed.blocks:
        if block.citations:
            continue
        for sentence in sentences(block.text):
            trigger = claim_trigger(sentence, lists.claim_words)
            if trigger:
                yield Finding(locate(sentence), "claims.unsourced",
                              f'"{trigger}" is a claim with no source: "{sentence}"',
                              "cite a source (sources: [id]) or reword without the claim")
    listed = {element.get("id") for element in printed.root.iter() if element.get("id")}
    for link in printed.find("a"):
        target = link.get("href") or ""
        if target.startswith("#source-") and target[1:] not in listed:
            yield Finding(locate("".join(link.itertext())), "claims.missing-source",
                          f"citation {target[8:]} points to no listed source",
                          "print the sources list in this document")


def prescription_findings(printed: PrintedDocument, names: list[str], locate: Locate
                          ) -> Iterator[Finding]:
    """Each mention of a prescription-only medicine; unlabelled ones are warnings."""
    for name in names:
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
        labelled = None
        for block in printed.blocks:
            if not pattern.search(block.text):
                continue
            if "prescription" in block.text.lower():
                labelled = labelled or block.text
                continue
            yield Finding(locate(block.text), "rx.named",
                          f"names the prescription-only medicine '{name}' without saying so: "
                          f'"{block.plain}"',
                          "say 'prescription only' in the same place, or leave the name out")
        if labelled:
            yield Finding(locate(labelled), "rx.listed",
                          f"names the prescription-only medicine '{name}', labelled as such")


NO_DOWNTIME = re.compile(r"\bno (?:down ?time|time off|restrictions?)\b", re.IGNORECASE)


def downtime_findings(printed: PrintedDocument, aftercare_limits: bool, locate: Locate,
                      ) -> Iterator[Finding]:
    """Each sentence that promises no downtime in a document whose aftercare lists limits."""
    if not aftercare_limits:
        return
    for block in printed.blocks:
        for sentence in sentences(block.text):
            match = NO_DOWNTIME.search(sentence)
            if match:
                yield Finding(locate(sentence), "consistency.downtime",
                              f'"{match.group()}" contradicts the aftercare steps, which list '
                              f'days of limits: "{sentence}"',
                              "say what the patient can do straight away, and point to the "
                              "steps for the days after")
