"""Check one document as it prints: reading grade, claims, prescription medicines, PEMAT."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import Location, relative_name
from ..project import ClinicSite, Project
from ..request import DocumentRequest
from ..scoping import treatment_of
from .claims import claim_findings, downtime_findings, prescription_findings
from .findings import DocumentScore, Finding, SectionScore
from .pemat import long_lists, pemat_items
from .printed import Block, PrintedDocument, read_printed
from .provenance import SourceIndex
from .readability import Grade, grade
from .wording import WordLists

Locate = Callable[[str], Location]

MIN_SCORED_SENTENCES = 5
"""A section shorter than this is too short to grade on its own (it counts in the document)."""
MIN_PARAGRAPH_WORDS = 20
"""Paragraphs shorter than this are too short to grade on their own."""


def source_files(project: Project, site: ClinicSite) -> list[Path]:
    """Every file a clinic's documents take their words from, clinic files first."""
    files = [site.directory / "clinic.yaml", project.root / project.content_source.name]
    for folder in project.template_folders(site):
        if folder.is_dir():
            files.extend(sorted(folder.rglob("*.html")))
    return files


def source_index(project: Project, site: ClinicSite) -> SourceIndex:
    """The words of every file a clinic's documents are made from, clinic files first."""
    return SourceIndex([(relative_name(path, project.root), path.read_text("utf-8"))
                        for path in source_files(project, site)])


@dataclass(frozen=True)
class _GradedSection:
    """A section's prose, its grade, and its hardest paragraph: graded once, used twice."""

    title: str
    grade: Grade
    paragraphs: list[tuple[Block, Grade]]
    hardest: tuple[Block, Grade]


def check_document(request: DocumentRequest, html: str, lists: WordLists, index: SourceIndex
                   ) -> tuple[DocumentScore, list[Finding]]:
    """The scores of the document printed from ``html`` and everything wrong with it, each
    finding located in the files ``index`` holds."""
    project, site, document = request.project, request.site, request.document
    fallback = Location(relative_name(request.template, project.root))

    def locate(text: str) -> Location:
        return index.locate(text, fallback)

    printed = read_printed(html)
    gate = site.clinic.checks.readability.smog_max
    graded = list(_graded_sections(printed))
    findings = list(_readability_findings(graded, gate, locate))
    sections = [SectionScore(section.title, locate(section.hardest[0].text), section.grade.smog,
                             section.grade.flesch_kincaid, section.grade.words)
                for section in graded]
    whole = grade([block.text for block in printed.blocks if not block.is_heading])
    if whole.smog > gate:
        hardest = max(sections, key=lambda section: section.smog)
        findings.append(Finding(
            hardest.location, "readability.document",
            f"the {document} reads at SMOG grade {whole.smog:g} (Flesch-Kincaid "
            f"{whole.flesch_kincaid:g}); the limit is {gate:g}. Hardest section: "
            f"'{hardest.title}' (SMOG {hardest.smog:g})", _PLAINER))
    findings.extend(claim_findings(printed, lists, locate))
    treatment = treatment_of(project.content, site.clinic)[1]
    limits = any(step.applies_to(treatment) for step in project.content.aftercare.steps)
    findings.extend(downtime_findings(printed, limits, locate))
    if document == "brochure":
        findings.extend(prescription_findings(printed, _prescription_names(project), locate))
    findings.extend(long_lists(printed, locate))
    items, item_findings = pemat_items(printed, lists, locate)
    findings.extend(item_findings)
    score = DocumentScore(site.slug, document, request.language, whole.smog, whole.flesch_kincaid,
                          whole.words, whole.sentences, sections, items)
    findings.extend(_pemat_gate(score, site.clinic.checks.pemat_min, fallback))
    return score, [replace(finding, clinic=site.slug, document=f"{document}.{request.language}")
                   for finding in findings]


_PLAINER = "use shorter sentences and everyday words of one or two syllables"


def _graded_sections(printed: PrintedDocument) -> Iterator[_GradedSection]:
    for section in printed.sections:
        prose = [block for block in section.blocks
                 if not block.is_heading and block.text.strip()]
        if not prose:
            continue
        paragraphs = [(block, grade([block.text])) for block in prose]
        long_enough = [pair for pair in paragraphs
                       if pair[1].words >= MIN_PARAGRAPH_WORDS] or paragraphs
        yield _GradedSection(section.title, grade([block.text for block in prose]), paragraphs,
                             max(long_enough, key=lambda pair: pair[1].smog))


def _readability_findings(sections: list[_GradedSection], gate: float, locate: Locate
                          ) -> Iterator[Finding]:
    for section in sections:
        scored = section.grade
        hardest, hardest_grade = section.hardest
        if scored.sentences >= MIN_SCORED_SENTENCES and scored.smog > gate:
            yield Finding(locate(hardest.text), "readability.section",
                          f"section '{section.title}' reads at SMOG grade {scored.smog:g} "
                          f"(Flesch-Kincaid {scored.flesch_kincaid:g}); the limit is {gate:g}. "
                          f"Hardest paragraph (SMOG {hardest_grade.smog:g}): "
                          f'"{_shorten(hardest.plain)}"', _PLAINER)
        for block, paragraph in section.paragraphs:
            if paragraph.words >= MIN_PARAGRAPH_WORDS and paragraph.smog > gate:
                yield Finding(locate(block.text), "readability.paragraph",
                              f"paragraph reads at SMOG grade {paragraph.smog:g} (limit "
                              f'{gate:g}): "{_shorten(block.plain)}"', _PLAINER)


def _pemat_gate(score: DocumentScore, minimum: int, where: Location) -> Iterator[Finding]:
    for domain in ("understandability", "actionability"):
        percent = score.pemat_percent(domain)
        if percent is not None and percent < minimum:
            missed = ", ".join(f"{item.number} {item.id}" for item in score.pemat
                               if item.domain == domain and item.met is False)
            yield Finding(where, f"pemat.{domain}",
                          f"PEMAT-P {domain} is {percent:g} % of the items the program judged, "
                          f"below {minimum} %; items not met: {missed}",
                          "see the pemat.item findings for where each item fails")


def _prescription_names(project: Project) -> list[str]:
    """How the brochure may name each prescription-only medicine in the content."""
    content = project.content
    named = [(key, item.name) for key, item in content.ingredients.items()
             if item.prescription_only]
    named += [(item.id, item.name) for item in content.alternatives.items
              if item.prescription_only]
    names: dict[str, str] = {}
    for key, name in named:
        word = key.replace("_", " ").replace("-", " ")
        for candidate in (word, name) if word.lower() not in name.lower() else (word,):
            names.setdefault(candidate.lower(), candidate)
    return list(names.values())


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "\u2026"

