"""The word lists the checks use, and the sentence splitter they share.

``content.yaml`` may add to both lists under ``wording:``; the built-in lists
cover the claims advertising rules name and the medical terms hair-loss
material tends to use (docs/clinical-facts.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models.content import Wording
from .printed import LINE_BREAK
from .readability import ABBREVIATIONS

CLAIM_WORDS = (
    "proven", "proof", "guaranteed", "guarantee", "permanent", "permanently", "painless",
    "pain-free", "safe", "safely", "risk-free", "no side effects", "cure", "cured", "cures",
    "clinically", "scientifically", "miracle", "breakthrough",
)
"""Words that make a sentence an objective claim (UK CAP 3.7, FTC, EU UCPD, HWG s.3)."""

JARGON = {
    "alopecia": "hair loss",
    "androgenetic": "runs in families; inherited; hormones",
    "follicle": "hair root; pocket; hair grows",
    "follicles": "hair root; pocket; hair grows",
    "dermis": "layer of skin; layer of the skin",
    "mesoderm": "layer of tissue",
    "dihydrotestosterone": "hormone",
    "DHT": "hormone",
    "anagen": "growing",
    "telogen": "resting",
    "vasodilator": "blood flow; widens blood vessels",
    "anticoagulant": "blood thinner",
    "antiplatelet": "blood thinner",
    "contraindication": "reason not to; should not have",
    "hyperpigmentation": "dark patches; dark marks; darker skin",
    "keloid": "raised scar; thick scar",
    "keloids": "raised scars; thick scars",
    "abscess": "pocket of pus",
    "necrosis": "tissue dies; damaged",
    "mycobacterial": "germ; germs; bacteria",
    "mycobacteria": "germ; germs; bacteria",
    "immunodeficiency": "weak immune system",
    "autoimmune": "immune system attacks",
    "isotretinoin": "acne",
    "anaesthetic": "numbing",
    "anesthetic": "numbing",
    "topical": "on the skin; lotion; cream",
    "intradermal": "into the skin",
    "subcutaneous": "under the skin",
    "placebo": "dummy",
    "off-label": "not licensed; not approved",
    "erythema": "redness",
    "oedema": "swelling",
    "edema": "swelling",
    "pruritus": "itch",
    "peptide": "protein",
    "collagen": "protein",
}
"""Medical terms and the plain words that must explain each where it is first used."""

NEGATIONS = frozenset({"not", "no", "never", "cannot", "can't", "nor", "neither", "without",
                       "isn't", "aren't", "nothing", "none", "don't", "doesn't", "won't"})


@dataclass(frozen=True)
class WordLists:
    """The claim words and jargon in force for a project."""

    claim_words: tuple[str, ...]
    jargon: dict[str, str]

    @classmethod
    def for_content(cls, wording: Wording) -> WordLists:
        """The built-in lists with the content's additions."""
        claim_words = tuple(dict.fromkeys([*CLAIM_WORDS, *wording.claim_words]))
        return cls(claim_words, {**JARGON, **wording.jargon})


_BOUNDARY = re.compile(r"([.!?][\"'\u201d\u2019)]*)\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])"
                       rf"|\s*{LINE_BREAK}\s*")


def sentences(text: str) -> list[str]:
    """Split printed text into sentences; abbreviations and decimals do not end one."""
    found: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(1) if match.group(1) else match.start()
        piece = text[start:end]
        last_word = piece.rsplit(None, 1)[-1].lower() if piece.split() else ""
        if last_word in ABBREVIATIONS:
            continue
        found.append(piece.strip())
        start = match.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (hyphenated words and contractions stay whole)."""
    return re.findall(r"[a-z0-9]+(?:['\u2019-][a-z0-9]+)*", text.lower())
