"""Release builds: the manifest, verify, incremental rebuilds, workers, shards, the output lock,
Ctrl-C, progress output and failing documents.

Real renders are kept few: the session's ``shipped`` build is copied (project and output) as
the starting point of every incremental test, and where only the build's bookkeeping is
under test (which documents are rendered, what is printed, what the manifest says) the PDF
renderer is replaced by a fast fake that still goes through the atomic write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    CLINICS,
    DOCUMENTS,
    Built,
    CliResult,
    build,
    contains,
    edit,
    override_template,
    pdf_text,
    request_for,
    run_cli,
)
from pypdf import PdfReader

from brochure.project import Project
from brochure.release import workers
from brochure.release.jobs import in_shard, plan_jobs
from brochure.release.lock import LOCK_FILE, output_lock
from brochure.release.manifest import read_manifest
from brochure.release.outcome import Outcome
from brochure.release.render import Printer, Task
from brochure.request import DocumentRequest, Job

PATHS = [f"{slug}/{document}.en.pdf" for slug in CLINICS for document in DOCUMENTS]
"""Every output of the shipped project, in manifest (path) order."""
FIELDS = {"clinic", "document", "language", "version", "status", "path", "sha256", "bytes",
          "pages", "inputs"}
HARBOR = "harbor-hair-clinic"
LUMEN = "lumen-dermatology"
BROKEN_TEMPLATE = '{% extends "base.html" %}\n{% block body %}\n{% if %}\n{% endblock %}\n'
"""A brochure override with a Jinja syntax error on line 3."""


# --- helpers ---------------------------------------------------------------------------------


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _pdfs(out: Path) -> list[str]:
    return sorted(path.relative_to(out).as_posix() for path in out.rglob("*.pdf"))


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """(mtime in ns, inode) of every PDF: both stay put when a file is not written."""
    return {name: ((out / name).stat().st_mtime_ns, (out / name).stat().st_ino)
            for name in _pdfs(out)}


def _temporary_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flip_middle_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _summary(result: CliResult) -> str:
    """The build's summary line: ``N built[, M up to date], F failed``."""
    lines = [line for line in result.output.splitlines() if line.endswith(" failed")
             and line.split(" ", 1)[0].isdigit()]
    assert len(lines) == 1, result.output
    return lines[0]


def _lines(result: CliResult, prefix: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(prefix)]


def _named(lines: list[str]) -> list[str]:
    """The outputs (paths relative to the output folder) that ``lines`` name, in order."""
    names = []
    for line in lines:
        hits = [name for name in PATHS if name in line]
        assert len(hits) == 1, (line, hits)
        names.append(hits[0])
    return names


def _verify(out: Path) -> CliResult:
    return run_cli("verify", "--out", out)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The jobs rendered in this process, in order (builds must use ``-j 1``)."""
    jobs: list[str] = []
    real = Printer.print

    def spy(printer: Printer, task: Task) -> Outcome:
        jobs.append(task.job.filename("pdf"))
        return real(printer, task)

    monkeypatch.setattr(Printer, "print", spy)
    return jobs


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Replace WeasyPrint with a fast stand-in; returns the bytes it produced, in order."""
    produced: list[bytes] = []

    def render_pdf(html: str, *args: object) -> tuple[bytes, int]:
        data = b"%PDF-1.7\n% fake render " + hashlib.sha256(html.encode()).hexdigest().encode()
        produced.append(data)
        return data, 1

    monkeypatch.setattr("brochure.pdf.render.render_pdf", render_pdf)
    return produced


@pytest.fixture(scope="module")
def parallel(shipped: Built, tmp_path_factory: pytest.TempPathFactory
             ) -> dict[int, tuple[Path, CliResult]]:
    """The shipped project built with ``--force -j 1`` and ``--force -j 2`` into two folders."""
    base = tmp_path_factory.mktemp("parallel")
    builds = {}
    for jobs in (1, 2):
        out = base / f"jobs-{jobs}"
        builds[jobs] = (out, build(shipped.root, "--force", "-j", str(jobs), "--out", out))
    return builds


# --- 1. the manifest -------------------------------------------------------------------------


def test_manifest_has_one_entry_per_document_sorted_by_path(shipped: Built,
                                                            shipped_project: Project) -> None:
    assert shipped.result.exit_code == 0, shipped.result.output
    manifest = _manifest(shipped.out)
    entries = manifest["documents"]
    assert [entry["path"] for entry in entries] == PATHS
    assert _pdfs(shipped.out) == PATHS
    for entry in entries:
        assert set(entry) == FIELDS, entry
        slug, document = entry["clinic"], entry["document"]
        assert entry["path"] == f"{slug}/{document}.{entry['language']}.pdf"
        assert entry["language"] == "en"
        site = shipped_project.clinics[slug]
        control = site.clinic.documents[document]
        assert (entry["version"], entry["status"]) == (control.version, control.status)
        assert entry["inputs"] == request_for(shipped_project, slug, document).inputs


def test_manifest_hashes_sizes_and_pages_match_the_files(shipped: Built) -> None:
    for entry in _manifest(shipped.out)["documents"]:
        pdf = shipped.out / entry["path"]
        assert entry["sha256"] == _sha256(pdf), entry["path"]
        assert entry["bytes"] == pdf.stat().st_size, entry["path"]
        assert entry["pages"] == len(PdfReader(pdf).pages), entry["path"]


@pytest.mark.slow
def test_two_builds_into_two_folders_give_identical_manifests(
        shipped: Built, parallel: dict[int, tuple[Path, CliResult]]) -> None:
    out, result = parallel[1]
    assert result.exit_code == 0, result.output
    assert (out / "manifest.json").read_bytes() == (shipped.out / "manifest.json").read_bytes()
    for name in PATHS:
        assert (out / name).read_bytes() == (shipped.out / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_without_fork_give_the_same_bytes(shipped: Built, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         method: str) -> None:
    """Workers get the project pickled, as on macOS and Windows (spawn): nothing they need
    comes from the parent's memory, and the PDFs are those of a one-process build."""
    monkeypatch.setattr(workers, "START_METHOD", method)
    out = tmp_path / "out"
    result = build(shipped.root, "--force", "-j", "2", "--out", out)
    assert result.exit_code == 0, result.output
    for name in PATHS:
        assert (out / name).read_bytes() == (shipped.out / name).read_bytes(), name


@pytest.mark.slow
def test_a_release_renders_each_document_once_and_prints_what_it_checked(
        shipped: Built, built_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads the HTML the printer prints: every document is rendered to HTML once,
    and the PDFs are those of an ordinary build."""
    from brochure.documents import html as html_module

    rendered: list[str] = []
    printed: list[str] = []
    real_context, real_print = html_module.document_context, Printer.print

    def counting_context(request: DocumentRequest, compact: bool = False) -> dict[str, object]:
        rendered.append(str(request.job))
        return real_context(request, compact)

    def recording_print(printer: Printer, task: Task) -> Outcome:
        assert task.html is not None, "a release prints the HTML it checked"
        printed.append(str(task.job))
        return real_print(printer, task)

    monkeypatch.setattr(html_module, "document_context", counting_context)
    monkeypatch.setattr(Printer, "print", recording_print)
    out = built_project / "release"
    result = build(built_project, "--release", "--force", "-j", "1", "--out", out)
    assert result.exit_code == 0, result.output
    jobs = sorted(name.removesuffix(".pdf") for name in PATHS)
    assert sorted(rendered) == jobs  # once each: checked and printed from one rendering
    assert sorted(printed) == jobs
    for name in PATHS:
        assert (out / name).read_bytes() == (shipped.out / name).read_bytes(), name


# --- 2. verify -------------------------------------------------------------------------------


def test_verify_passes_on_a_fresh_build(shipped: Built) -> None:
    result = _verify(shipped.out)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output


@pytest.fixture
def output_copy(shipped: Built, tmp_path: Path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(shipped.out, out)
    return out


def test_verify_names_a_pdf_with_one_byte_changed(output_copy: Path) -> None:
    changed = f"{LUMEN}/consent.en.pdf"
    _flip_middle_byte(output_copy / changed)
    result = _verify(output_copy)
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert f"{changed}: changed" in result.output
    assert all(name not in result.output for name in PATHS if name != changed), result.output


def test_verify_names_a_missing_pdf(output_copy: Path) -> None:
    missing = f"{HARBOR}/brochure.en.pdf"
    (output_copy / missing).unlink()
    result = _verify(output_copy)
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert f"{missing}: missing" in result.output
    assert all(name not in result.output for name in PATHS if name != missing), result.output


def test_verify_without_a_manifest(output_copy: Path, tmp_path: Path) -> None:
    """PDFs but no manifest, an empty folder, no folder at all: a clear error, exit 1."""
    (output_copy / "manifest.json").unlink()
    (tmp_path / "empty").mkdir()
    for out in (output_copy, tmp_path / "empty", tmp_path / "nowhere"):
        result = _verify(out)
        assert result.crash is None, result.crash
        assert result.exit_code == 1, result.output
        assert "no manifest" in result.output, result.output
        assert "manifest.json" in result.output


def test_verify_with_a_damaged_manifest(output_copy: Path) -> None:
    manifest = output_copy / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:200], encoding="utf-8")
    result = _verify(output_copy)
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "not a manifest" in result.output


# --- 3. incremental builds -------------------------------------------------------------------


def test_a_build_with_no_change_renders_nothing(built_project: Path,
                                                rendered: list[str]) -> None:
    out = built_project / "output"
    stamps, manifest = _stamps(out), (out / "manifest.json").read_bytes()
    result = build(built_project, "-v", "-j", "1")
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    assert rendered == []
    assert _summary(result) == f"0 built, {len(PATHS)} up to date, 0 failed"
    current = _lines(result, "current ")
    assert all(line.endswith("(up to date)") for line in current), current
    assert _named(current) == PATHS
    assert _lines(result, "built") == []
    assert _stamps(out) == stamps
    assert (out / "manifest.json").read_bytes() == manifest


@pytest.mark.slow
def test_a_phone_change_renders_only_that_clinic(built_project: Path,
                                                 rendered: list[str]) -> None:
    out = built_project / "output"
    stamps = _stamps(out)
    edit(built_project / "clinics" / HARBOR / "clinic.yaml", r"^phone:.*$",
         'phone: "+1 (207) 555-0177"')
    result = build(built_project, "-v", "-j", "1")
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    harbor = [name for name in PATHS if name.startswith(HARBOR)]
    lumen = [name for name in PATHS if name.startswith(LUMEN)]
    assert rendered == harbor
    assert _summary(result) == f"{len(harbor)} built, {len(lumen)} up to date, 0 failed"
    built_lines = _lines(result, "built ")
    assert _named(built_lines) == harbor
    assert all(line.endswith(" s)") for line in built_lines), built_lines  # -v: render times
    assert _named(_lines(result, "current ")) == lumen
    after = _stamps(out)
    for name in lumen:
        assert after[name] == stamps[name], f"{name} was written again"
    for name in harbor:
        assert after[name] != stamps[name], f"{name} was not written"
    assert contains(pdf_text(out / f"{HARBOR}/brochure.en.pdf"), "+1 (207) 555-0177")
    assert _verify(out).exit_code == 0


def test_a_shared_template_change_renders_every_document(built_project: Path,
                                                         rendered: list[str],
                                                         fake_pdf: list[bytes]) -> None:
    css = built_project / "templates/css/base.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a comment */\n", encoding="utf-8")
    result = build(built_project, "-j", "1")
    assert result.exit_code == 0, result.output
    assert rendered == PATHS
    assert _summary(result) == f"{len(PATHS)} built, 0 failed"


def test_force_renders_every_document(built_project: Path, rendered: list[str],
                                      fake_pdf: list[bytes]) -> None:
    result = build(built_project, "--force", "-j", "1")
    assert result.exit_code == 0, result.output
    assert rendered == PATHS
    assert _summary(result) == f"{len(PATHS)} built, 0 failed"
    assert _verify(built_project / "output").exit_code == 0


@pytest.mark.parametrize("damage", ["changed", "deleted"])
def test_a_pdf_changed_on_disk_is_rendered_again(shipped: Built, built_project: Path,
                                                 rendered: list[str], damage: str) -> None:
    out = built_project / "output"
    name = f"{HARBOR}/consent.en.pdf"
    if damage == "changed":
        _flip_middle_byte(out / name)
    else:
        (out / name).unlink()
    result = build(built_project, "-j", "1")
    assert result.exit_code == 0, result.output
    assert rendered == [name]
    assert _summary(result) == f"1 built, {len(PATHS) - 1} up to date, 0 failed"
    assert (out / name).read_bytes() == (shipped.out / name).read_bytes()
    assert (out / "manifest.json").read_bytes() == (shipped.out / "manifest.json").read_bytes()
    assert _verify(out).exit_code == 0


# --- 4. a no-op build does not load WeasyPrint -----------------------------------------------


def test_a_no_op_build_does_not_import_weasyprint(built_project: Path, tmp_path: Path) -> None:
    code = "\n".join([
        "import sys",
        "from brochure.cli import main",
        "try:",
        "    main(['build', '--project', sys.argv[1], '-q'], standalone_mode=False)",
        "finally:",
        "    loaded = sorted(name for name in sys.modules if name == 'brochure.pdf.render'",
        "                    or name.split('.')[0] == 'weasyprint')",
        "    print('loaded:', loaded)",
    ])
    process = subprocess.run([sys.executable, "-c", code, str(built_project)], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120, check=False)
    output = process.stdout + process.stderr
    assert process.returncode == 0, output
    assert f"0 built, {len(PATHS)} up to date, 0 failed" in output
    assert "loaded: []" in process.stdout, output


# --- 5. parallel builds ----------------------------------------------------------------------


@pytest.mark.slow
def test_parallel_output_is_byte_identical(parallel: dict[int, tuple[Path, CliResult]]) -> None:
    (one, serial), (two, pooled) = parallel[1], parallel[2]
    for result in (serial, pooled):
        assert result.crash is None, result.crash
        assert result.exit_code == 0, result.output
    for name in PATHS:
        assert (two / name).read_bytes() == (one / name).read_bytes(), name
    assert (two / "manifest.json").read_bytes() == (one / "manifest.json").read_bytes()
    assert _summary(pooled) == _summary(serial) == f"{len(PATHS)} built, 0 failed"
    assert pooled.output.splitlines()[-1] == serial.output.splitlines()[-1]
    # per-document lines may come in completion order, but name the same documents
    assert sorted(_named(_lines(pooled, "built "))) == _named(_lines(serial, "built "))


# --- 6. shards -------------------------------------------------------------------------------


def _synthetic_jobs() -> list[Job]:
    return [Job(f"clinic-{number:03d}", document, language)
            for number in range(150) for document in DOCUMENTS for language in ("en", "fr", "de")]


@pytest.mark.parametrize("count", [2, 3])
def test_shards_hold_every_job_exactly_once(shipped_project: Project, count: int) -> None:
    real, _ = plan_jobs(shipped_project)
    for jobs in (_synthetic_jobs(), real):
        shards = [[job for job in jobs if in_shard(job, (number, count))]
                  for number in range(1, count + 1)]
        assert sum(len(shard) for shard in shards) == len(jobs)  # no job in two shards
        assert {job for shard in shards for job in shard} == set(jobs)  # none left out
        if len(jobs) > 100:
            assert all(len(shard) > len(jobs) / count / 2 for shard in shards), \
                [len(shard) for shard in shards]


@pytest.mark.slow
def test_shard_builds_merge_into_the_full_manifest(shipped: Built, shipped_project: Project,
                                                   tmp_path: Path) -> None:
    jobs, _ = plan_jobs(shipped_project)
    folders = []
    for number in (1, 2):
        out = tmp_path / f"shard-{number}"
        result = build(shipped.root, "--shard", f"{number}/2", "--out", out)
        assert result.crash is None, result.crash
        assert result.exit_code == 0, result.output
        expected = [job.filename("pdf") for job in jobs if in_shard(job, (number, 2))]
        assert _pdfs(out) == expected
        assert [entry["path"] for entry in _manifest(out)["documents"]] == expected
        for name in expected:
            assert (out / name).read_bytes() == (shipped.out / name).read_bytes(), name
        folders.append(out)
    assert sorted(_pdfs(folders[0]) + _pdfs(folders[1])) == PATHS

    merged = tmp_path / "merged" / "manifest.json"
    result = run_cli("manifest", "merge", folders[0] / "manifest.json",
                     folders[1] / "manifest.json", "-o", merged)
    assert result.crash is None, result.crash
    assert result.exit_code == 0, result.output
    assert merged.read_bytes() == (shipped.out / "manifest.json").read_bytes()


def test_merging_manifests_that_disagree_fails(shipped: Built, tmp_path: Path) -> None:
    other = _manifest(shipped.out)
    other["documents"][0]["sha256"] = "0" * 64
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    result = run_cli("manifest", "merge", shipped.out / "manifest.json",
                     tmp_path / "other.json", "-o", tmp_path / "merged.json")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert PATHS[0] in result.output
    assert not (tmp_path / "merged.json").exists()


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "1/0", "1/2/3", "2"])
def test_an_invalid_shard_is_a_usage_error(shipped: Built, tmp_path: Path, value: str) -> None:
    result = build(shipped.root, "--shard", value, "--out", tmp_path / "out")
    assert result.crash is None, result.crash
    assert result.exit_code == 2, result.output
    assert "--shard" in result.output
    assert not (tmp_path / "out").exists()


# --- 7. one build at a time per output folder ------------------------------------------------


def _hold_in_a_child(out: Path) -> subprocess.Popen[str]:
    code = ("import sys\nfrom pathlib import Path\nfrom brochure.release.lock import output_lock\n"
            "with output_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.read()\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


@pytest.mark.parametrize("holder", ["this process", "child process"])
def test_a_locked_output_folder_stops_a_second_build(shipped: Built, tmp_path: Path,
                                                     holder: str) -> None:
    out = tmp_path / "out"
    if holder == "this process":
        with output_lock(out):
            result = build(shipped.root, "-j", "1", "--out", out)
    else:
        child = _hold_in_a_child(out)
        try:
            result = build(shipped.root, "-j", "1", "--out", out)
        finally:
            assert child.stdin is not None
            child.stdin.close()
            child.wait(timeout=30)
        assert f"pid {child.pid}" in result.output
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "another build" in result.output and str(out) in result.output
    assert sorted(path.name for path in out.rglob("*")) == [LOCK_FILE]


# --- 8. Ctrl-C -------------------------------------------------------------------------------


def _interrupt_after_first_document(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Raise KeyboardInterrupt once the first document is written."""
    if where == "print":
        real = Printer.print
        calls: list[Job] = []

        def interrupting_print(printer: Printer, task: Task) -> Outcome:
            calls.append(task.job)
            if len(calls) > 1:
                raise KeyboardInterrupt
            return real(printer, task)

        monkeypatch.setattr(Printer, "print", interrupting_print)
    else:  # the rename of the second PDF, its temporary file complete
        replace = os.replace
        renamed: list[str] = []

        def interrupting_replace(source: str, target: str | Path) -> None:
            if str(target).endswith(".pdf"):
                renamed.append(str(target))
                if len(renamed) > 1:
                    assert Path(source).is_file()
                    raise KeyboardInterrupt
            replace(source, target)

        monkeypatch.setattr(os, "replace", interrupting_replace)


def _interrupted_build(root: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> CliResult:
    _interrupt_after_first_document(monkeypatch, where)
    result = build(root, "--force", "-j", "1")
    monkeypatch.undo()
    assert result.crash is None, result.crash
    return result


@pytest.mark.parametrize("where", ["print", "os.replace"])
def test_ctrl_c_stops_the_build_cleanly(shipped: Built, built_project: Path,
                                        fake_pdf: list[bytes], monkeypatch: pytest.MonkeyPatch,
                                        where: str) -> None:
    out = built_project / "output"
    result = _interrupted_build(built_project, monkeypatch, where)
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output
    assert _temporary_files(out) == []
    first, *others = PATHS
    assert (out / first).read_bytes() == fake_pdf[0]  # finished before Ctrl-C: complete
    for name in others:
        assert (out / name).read_bytes() == (shipped.out / name).read_bytes(), name
    read_manifest(out / "manifest.json")  # still a manifest


def test_the_manifest_stays_true_after_ctrl_c(shipped: Built, built_project: Path,
                                              fake_pdf: list[bytes],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The documents finished before Ctrl-C are written; the manifest must not then call them
    "changed since it was built" (it should record them, as it does for a failed document's
    neighbours)."""
    out = built_project / "output"
    result = _interrupted_build(built_project, monkeypatch, "print")
    assert result.exit_code == 130, result.output
    verified = _verify(out)
    assert verified.exit_code == 0, verified.output


def test_a_worker_that_dies_fails_its_documents_not_the_build(
        shipped: Built, built_project: Path, fake_pdf: list[bytes],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-render (out of memory, a crash in the renderer) fails that document
    alone, with no traceback: the jobs the broken pool left are tried again one by one.
    Earlier output and the manifest stay true."""
    real = Printer.print

    def dying_print(printer: Printer, task: Task) -> Outcome:
        if task.job.slug == HARBOR and task.job.document == "brochure":
            os._exit(1)  # runs in a worker: the worker dies here
        return real(printer, task)

    monkeypatch.setattr(Printer, "print", dying_print)
    monkeypatch.setattr(workers, "START_METHOD", "fork")  # so that workers see the patch
    out = built_project / "output"
    result = build(built_project, "--force", "-j", "2")
    monkeypatch.undo()
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    failed = _lines(result, f"failed  {HARBOR}/brochure.en:")
    assert failed and "worker process rendering this document stopped" in failed[0], result.output
    assert _summary(result) == f"{len(PATHS) - 1} built, 1 failed"  # the others tried again
    assert _temporary_files(out) == []
    name = f"{HARBOR}/brochure.en.pdf"
    assert (out / name).read_bytes() == (shipped.out / name).read_bytes()
    verified = _verify(out)
    assert verified.exit_code == 0, verified.output


# --- 9. progress on a non-terminal -----------------------------------------------------------


def test_progress_is_one_plain_line_per_document(
        parallel: dict[int, tuple[Path, CliResult]]) -> None:
    for out, result in parallel.values():
        lines = result.output.splitlines()
        assert "\x1b" not in result.output and "\r" not in result.output
        built_lines = _lines(result, "built   ")
        assert sorted(_named(built_lines)) == PATHS
        assert all(out.name in line for line in built_lines), built_lines
        assert lines == [*built_lines, _summary(result)], result.output


def test_quiet_prints_only_the_summary(built_project: Path, fake_pdf: list[bytes]) -> None:
    result = build(built_project, "--force", "-q", "-j", "1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{len(PATHS)} built, 0 failed"]


def test_quiet_still_prints_failures(built_project: Path, fake_pdf: list[bytes]) -> None:
    override_template(built_project, HARBOR, "brochure.html", BROKEN_TEMPLATE)
    result = build(built_project, "--force", "-q", "-j", "1")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert _lines(result, f"failed  {HARBOR}/brochure.en:"), result.output
    assert _lines(result, "built") == []
    assert _summary(result) == f"{len(PATHS) - 1} built, 1 failed"


# --- 10. one failing document ----------------------------------------------------------------


def test_one_failing_document_does_not_stop_the_others(shipped: Built, built_project: Path,
                                                       rendered: list[str],
                                                       fake_pdf: list[bytes]) -> None:
    out = built_project / "output"
    failing = f"{HARBOR}/brochure.en.pdf"
    before = {entry.path: entry for entry in read_manifest(out / "manifest.json").values()}
    override_template(built_project, HARBOR, "brochure.html", BROKEN_TEMPLATE)
    result = build(built_project, "--force", "-j", "1")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert rendered == PATHS  # the failure came first; the others were still rendered
    summary = _summary(result)
    assert summary == f"{len(PATHS) - 1} built, 1 failed"
    after_summary = result.output[result.output.index(summary):]
    assert f"{HARBOR}/brochure.en" in after_summary
    assert f"clinics/{HARBOR}/templates/brochure.html:3" in after_summary
    assert LUMEN not in after_summary and f"{HARBOR}/consent" not in after_summary

    after = read_manifest(out / "manifest.json")
    assert sorted(after) == PATHS
    assert after[failing] == before[failing]  # the last good build's entry, kept
    assert (out / failing).read_bytes() == (shipped.out / failing).read_bytes()
    for name in PATHS:
        if name != failing:
            assert after[name].sha256 == _sha256(out / name) != before[name].sha256, name
    verified = _verify(out)
    assert verified.exit_code == 0, verified.output


def test_a_document_that_never_built_is_not_in_the_manifest(shipped: Built, tmp_path: Path,
                                                            fake_pdf: list[bytes]) -> None:
    root = tmp_path / "project"
    shutil.copytree(shipped.root, root, ignore=shutil.ignore_patterns("output"))
    override_template(root, HARBOR, "brochure.html", BROKEN_TEMPLATE)
    out = tmp_path / "fresh"
    result = build(root, "-j", "1", "--out", out)
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    others = [name for name in PATHS if name != f"{HARBOR}/brochure.en.pdf"]
    assert _pdfs(out) == others
    assert sorted(read_manifest(out / "manifest.json")) == others
    assert _verify(out).exit_code == 0
