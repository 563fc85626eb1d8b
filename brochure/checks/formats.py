"""A check report as text for people, JSON for scripts, or SARIF 2.1.0 for code-scanning tools."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .findings import RULES, SEVERITIES, CheckReport, DocumentScore, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_text(report: CheckReport, clinics: int) -> str:
    """Findings one per line (file:line:col, severity, rule, message, suggestion), then scores."""
    lines = [str(finding) for finding in report.findings]
    if report.scores:
        lines += ["", "Scores (SMOG gates, Flesch-Kincaid reported; PEMAT-P over the items the "
                      "program judged):"]
        for score in report.scores:
            label = f"{score.document}.{score.language}"
            lines.append(f"  {score.clinic:<28} {label:<12} "
                         f"SMOG {score.smog:>4.1f}  FK {score.flesch_kincaid:>4.1f}  "
                         f"PEMAT understandability {_percent(score, 'understandability')}, "
                         f"actionability {_percent(score, 'actionability')}")
        person = report.scores[0].pemat_for_a_person
        if person:
            lines += ["", f"PEMAT-P: the program judged {24 - len(person)} of the 24 items; "
                          f"items {', '.join(map(str, person))} need a person, so these "
                          "percentages are not the full PEMAT-P score (see "
                          "docs/pemat-scores.md for one made by reading the pages)."]
    lines += ["", summary_line(report, clinics)]
    return "\n".join(lines)


def summary_line(report: CheckReport, clinics: int) -> str:
    """``2 errors, 1 warning, 0 notes in 2 clinics``."""
    counts = ", ".join(_plural(report.count(severity), severity) for severity in SEVERITIES)
    return f"{counts} in {_plural(clinics, 'clinic')}"


def format_json(report: CheckReport, version: str, strict: bool) -> str:
    """The whole report as one JSON object: summary, document scores and findings."""
    data = {
        "tool": {"name": "brochure", "version": version},
        "summary": {"errors": report.count("error"), "warnings": report.count("warning"),
                    "notes": report.count("note"), "strict": strict,
                    "passed": not report.failed(strict)},
        "documents": [_score_json(score) for score in report.scores],
        "findings": [_finding_json(finding) for finding in report.findings],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def format_sarif(report: CheckReport, version: str) -> str:
    """The findings as a SARIF 2.1.0 log, with file paths relative to the project."""
    rule_ids = list(RULES)
    rules = [{
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.help},
        "help": {"text": rule.help},
        "defaultConfiguration": {"level": rule.severity},
    } for rule in RULES.values()]
    results = [{
        "ruleId": finding.rule,
        "ruleIndex": rule_ids.index(finding.rule),
        "level": finding.severity,
        "message": {"text": f"{finding.message} ({finding.suggestion})" if finding.suggestion
                    else finding.message},
        "locations": [_sarif_location(finding)],
        "properties": {"clinic": finding.clinic, "document": finding.document},
    } for finding in report.findings]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "brochure", "version": version, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"documents": [_score_json(score) for score in report.scores]},
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _sarif_location(finding: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": finding.location.file,
                                                     "uriBaseId": "PROJECTROOT"}}
    if finding.location.line is not None:
        region = {"startLine": finding.location.line}
        if finding.location.column is not None:
            region["startColumn"] = finding.location.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {"rule": finding.rule, "severity": finding.severity,
            "file": finding.location.file, "line": finding.location.line,
            "column": finding.location.column, "message": finding.message,
            "suggestion": finding.suggestion, "clinic": finding.clinic,
            "document": finding.document}


def _score_json(score: DocumentScore) -> dict[str, Any]:
    return {
        "clinic": score.clinic, "document": score.document, "language": score.language,
        "smog": score.smog, "flesch_kincaid": score.flesch_kincaid, "words": score.words,
        "sentences": score.sentences,
        "pemat": {"understandability": score.pemat_percent("understandability"),
                  "actionability": score.pemat_percent("actionability"),
                  "scored_over": "the items the program judged; the others need a person",
                  "judged": [item.number for item in score.pemat if item.judged],
                  "needs_a_person": score.pemat_for_a_person,
                  "items": [asdict(item) for item in score.pemat]},
        "sections": [{"title": section.title, "file": section.location.file,
                      "line": section.location.line, "smog": section.smog,
                      "flesch_kincaid": section.flesch_kincaid, "words": section.words}
                     for section in score.sections],
    }


def _percent(score: DocumentScore, domain: str) -> str:
    met, applicable = score.pemat_counts(domain)
    return "n/a" if not applicable else f"{100 * met / applicable:.3g} % ({met} of {applicable})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
