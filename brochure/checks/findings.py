"""What a check reports: findings, the rules they break, and the scores of each document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from ..errors import Location, Problem

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)


@dataclass(frozen=True)
class Rule:
    """A rule a finding breaks: its id, how serious, and what it asks for."""

    id: str
    severity: Severity
    summary: str
    help: str


RULES = {rule.id: rule for rule in (
    Rule("input.invalid", "error", "Input files are valid",
         "Every YAML file matches its schema and every id it names exists."),
    Rule("scope.nowhere", "error", "Every content item applies to some protocol",
         "An item limited to protocols or ingredients that no protocol can give is never "
         "printed: name a protocol that can give it, or remove it."),
    Rule("scope.missing", "error", "Every protocol has an item for each required part",
         "After the items that do not apply are left out, each part a document needs (the "
         "evidence, the risks, the steps...) still has an item for every protocol."),
    Rule("scope.route", "error", "Evidence is cited only for protocols of the route it studied",
         "A study of injections is not evidence about microneedling: limit the item to the "
         "protocols of that route, and say for the others that no study has measured it."),
    Rule("consistency.downtime", "error", "No 'no downtime' where aftercare lists limits",
         "A document that lists days of aftercare limits may not say there is no downtime."),
    Rule("consent.element", "error", "The consent form has every element of consent",
         "C1-C16 of clinical-facts.md: procedure, products, risks, alternatives, rights, "
         "signatures."),
    Rule("render.failed", "error", "Every document renders",
         "A template error; the message names the template and line."),
    Rule("readability.document", "error", "The document reads at or below the clinic's SMOG limit",
         "NIH asks for grade 8 or below. Use short sentences and everyday words."),
    Rule("readability.section", "error", "Each section reads at or below the SMOG limit",
         "Split long sentences and swap words of three or more syllables for short ones."),
    Rule("readability.paragraph", "warning", "No single paragraph is far harder than the limit",
         "Rewrite the paragraph with shorter sentences and shorter words."),
    Rule("claims.unsourced", "error", "Claims cite a source",
         "A percentage, a count of patients or words such as proven, safe or permanent need a "
         "cited source (UK CAP 3.7, US FTC, EU UCPD). Add sources: [id], or reword."),
    Rule("claims.missing-source", "error", "Every citation points to a listed source",
         "A citation number must appear in the document's list of sources."),
    Rule("rx.named", "warning", "Prescription-only medicines are named only as such",
         "Medicines on prescription may not be advertised to the public: where the brochure "
         "names one, say in the same place that it is prescription only."),
    Rule("rx.listed", "note", "Prescription-only medicines the brochure names",
         "For the reviewer: each prescription-only medicine named, and labelled as such."),
    Rule("jargon.undefined", "warning", "Medical terms are explained where first used",
         "Explain the term in plain words in the same or the next sentence."),
    Rule("lists.long", "warning", "Lists have seven items or fewer",
         "CDC Clear Communication Index: a reader holds about seven items at once."),
    Rule("pemat.item", "warning", "PEMAT-P items a program can judge",
         "See the item's message; each failed item lowers the PEMAT score."),
    Rule("pemat.understandability", "error", "PEMAT-P understandability meets the gate",
         "The clinic's pemat_min, 70 % by default (AHRQ 2013), over the items the program "
         "judged."),
    Rule("pemat.actionability", "error", "PEMAT-P actionability meets the gate",
         "The clinic's pemat_min, 70 % by default (AHRQ 2013), over the items the program "
         "judged."),
)}


@dataclass(frozen=True)
class Finding:
    """One thing a check found, where it is, and what to do about it."""

    location: Location
    rule: str
    message: str
    suggestion: str = ""
    clinic: str = ""
    document: str = ""

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File, line and column order; a finding without a line comes first in its file."""
        location = self.location
        return (location.file, location.line or 0, location.column or 0, self.clinic,
                self.document, self.rule)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity} {self.rule}: {self.scope}{self.message}"
        return f"{text}\n    -> {self.suggestion}" if self.suggestion else text

    @property
    def scope(self) -> str:
        """``[clinic document] `` when the finding belongs to one clinic, else nothing."""
        return self.as_problem().scope

    def as_problem(self) -> Problem:
        """The finding as an input problem, for commands that list problems."""
        return Problem(self.location, self.rule, self.message, self.rule,
                       clinic=self.clinic, document=self.document)

    @classmethod
    def from_problem(cls, problem: Problem, rule: str, clinic: str = "") -> Finding:
        """A finding for an input or consent problem; its own rule, if it has one, wins."""
        key = f"{problem.key}: " if problem.key else ""
        return cls(problem.location, problem.rule or rule, f"{key}{problem.message}",
                   clinic=problem.clinic or clinic, document=problem.document)


@dataclass(frozen=True)
class SectionScore:
    """The reading grade of one section."""

    title: str
    location: Location
    smog: float
    flesch_kincaid: float
    words: int


@dataclass(frozen=True)
class ItemResult:
    """One PEMAT-P item: met, not met, or not applicable (``None``); or, when not
    ``judged``, left to a person."""

    id: str
    domain: Literal["understandability", "actionability"]
    title: str
    met: bool | None
    detail: str = ""
    number: int = 0
    """The item's number in PEMAT-P (1-26; 13 and 14 are for audio and video only)."""
    judged: bool = True


@dataclass(frozen=True)
class DocumentScore:
    """The scores of one printed document."""

    clinic: str
    document: str
    language: str
    smog: float
    flesch_kincaid: float
    words: int
    sentences: int
    sections: list[SectionScore]
    pemat: list[ItemResult]

    def pemat_counts(self, domain: str) -> tuple[int, int]:
        """(met, applicable) over the items of ``domain`` the program judged."""
        applicable = [item for item in self.pemat
                      if item.domain == domain and item.judged and item.met is not None]
        return sum(bool(item.met) for item in applicable), len(applicable)

    def pemat_percent(self, domain: str) -> float | None:
        """The share of the judged, applicable items met, in per cent; ``None`` when none."""
        met, applicable = self.pemat_counts(domain)
        return round(100 * met / applicable, 1) if applicable else None

    @property
    def pemat_for_a_person(self) -> list[int]:
        """The numbers of the PEMAT-P items the program cannot judge."""
        return [item.number for item in self.pemat if not item.judged]


@dataclass
class CheckReport:
    """Everything a check run found."""

    findings: list[Finding] = field(default_factory=list)
    scores: list[DocumentScore] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(finding.severity == severity for finding in self.findings)

    def failed(self, strict: bool = False) -> bool:
        """Errors fail a check; warnings too when ``strict``."""
        return bool(self.count("error") or (strict and self.count("warning")))
