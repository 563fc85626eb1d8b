"""Build benchmark: N synthetic clinics, built through the real CLI, against plain WeasyPrint.

    python benchmarks/bench_build.py [--clinics N] [--jobs J] [--keep DIR] [--memory-only]

It makes a temporary project of N clinics (three documents each), copied alternately from the
two example clinics with their own slug, name, phone, protocol, paper and brand colours, and
reports: a cold build with -j1 and with -jN (and whether their outputs are byte-identical),
the time per document, a no-op rebuild, a rebuild after one clinic changes, the peak memory
of each worker and its growth, the PDF sizes and, as the reference, the time plain WeasyPrint
takes to render the same HTML (from ``--format html``) one document after another in one
process. Each figure is printed with its target and PASS or FAIL. The exit status is 0 unless
a build fails: this is a report, not a test.
"""

from __future__ import annotations

import argparse
import colorsys
import contextlib
import filecmp
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = ("harbor-hair-clinic", "lumen-dermatology")
PROTOCOLS = ("injection", "microneedling")
PAPERS = ("letter", "a4")
KB = 1024  # as the build's own output reports sizes
MB = 1024 * KB
SAMPLE_SECONDS = 0.2
CHECKPOINTS = (0.10, 0.50)  # shares of the documents done at which each worker's peak is noted

TARGET_RATIO = 0.75  # cold -jN at most this share of the single-process reference
TARGET_NOOP_SECONDS = 1.0
TARGET_WORKER_MB = 200
TARGET_GROWTH = 0.10  # a worker's peak RSS at the end at most 10 % above it after ~10 %
TARGET_SIZE_KB = {"brochure": 300, "consent": 200, "aftercare": 150}
DOCUMENTS_PER_CLINIC = len(TARGET_SIZE_KB)

SUMMARY = re.compile(r"(\d+) built(?:, (\d+) up to date)?, (\d+) failed")

REFERENCE_SCRIPT = r"""
import json, logging, sys, time
started = time.perf_counter()
import weasyprint
from weasyprint.text.fonts import FontConfiguration
imported = time.perf_counter()

class Serious(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []
    def emit(self, record):
        message = record.getMessage()
        if message.startswith("Failed to"):
            self.messages.append(message.splitlines()[0])

serious = Serious()
logging.getLogger("weasyprint").addHandler(serious)
paths = json.load(sys.stdin)
fonts = FontConfiguration()
begin, cpu = time.perf_counter(), time.process_time()
sizes = [len(weasyprint.HTML(filename=path).write_pdf(font_config=fonts)) for path in paths]
end, cpu = time.perf_counter(), time.process_time() - cpu
json.dump({"import": imported - started, "render": end - begin, "cpu": cpu, "sizes": sizes,
           "warnings": serious.messages}, sys.stdout)
"""
"""Plain WeasyPrint, one document after another in one process: the reference.

Each file is opened by name, so the ``<base href>`` that ``--format html`` writes resolves
from the file's own folder to the project root, as it does in a browser.
"""


class BenchError(Exception):
    """A build or the reference failed: the figures would mean nothing."""


# --- the synthetic project -------------------------------------------------------------------


def slug(index: int) -> str:
    return f"bench-{index:03d}"


def make_project(root: Path, clinics: int) -> None:
    """A project with the repository's content and theme and ``clinics`` generated clinics."""
    root.mkdir(parents=True)
    shutil.copy2(REPO / "content.yaml", root / "content.yaml")
    shutil.copytree(REPO / "templates", root / "templates")
    for index in range(clinics):
        make_clinic(root / "clinics", index)


def make_clinic(clinics: Path, index: int) -> None:
    """Copy an example clinic (fonts hard-linked where possible) and make it distinct."""
    example = REPO / "clinics" / EXAMPLES[index % 2]
    folder = clinics / slug(index)
    shutil.copytree(example, folder, ignore=shutil.ignore_patterns("fonts"))
    shutil.copytree(example / "fonts", folder / "fonts", copy_function=_link_or_copy)
    settings = yaml.safe_load((example / "clinic.yaml").read_text(encoding="utf-8"))
    write_settings(folder, vary_settings(settings, index))
    brand = folder / "_brand.yml"
    brand.write_text(recolour(brand.read_text(encoding="utf-8"), index), encoding="utf-8")


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def vary_settings(settings: dict[str, Any], index: int) -> dict[str, Any]:
    """Name, phone and document ids from the index; protocol and paper in every combination."""
    settings["name"] = f"Bench Clinic {index:03d}"
    settings["phone"] = phone(index)
    settings["protocol"] = PROTOCOLS[(index // 2) % 2]
    if settings["protocol"] == "microneedling":  # its protocol asks for a numbing product
        settings.setdefault("numbing", {"product": "EMLA cream", "wait": "1 hour"})
    settings["paper"] = PAPERS[(index // 4) % 2]
    for control in settings["documents"].values():
        control["id"] = f"B{index:03d}-{control['id'].split('-', 1)[1]}"
    return settings


def phone(index: int, revision: int = 0) -> str:
    return f"+1 (555) {100 + revision:03d}-{index:04d}"


def write_settings(folder: Path, settings: dict[str, Any]) -> None:
    text = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)
    (folder / "clinic.yaml").write_text(text, encoding="utf-8")


def recolour(text: str, index: int) -> str:
    """``_brand.yml`` text with new hex values for the colours of ``primary`` and ``secondary``.

    The value is replaced where it is defined (the palette entry the role names, or the role
    itself), so the comments and layout of the file are kept.
    """
    colours = yaml.safe_load(text)["color"]
    for role, hue_shift, lightness in (("primary", 0.0, 0.24), ("secondary", 0.45, 0.36)):
        name = str(colours[role])
        key = role if name.startswith("#") else name
        pattern = re.compile(rf'^(\s*{re.escape(key)}:\s*)"#[0-9A-Fa-f]{{6}}"', re.MULTILINE)
        text, count = pattern.subn(rf'\g<1>"{colour(index, hue_shift, lightness)}"', text, count=1)
        if count != 1:
            raise BenchError(f"_brand.yml: no hex value for '{key}' to rewrite")
    yaml.safe_load(text)  # still valid YAML
    return text


def colour(index: int, hue_shift: float, lightness: float) -> str:
    """A dark, text-safe colour whose hue steps by the golden angle with the index."""
    hue = (index * 0.381966 + hue_shift) % 1.0
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.55)
    return "#" + "".join(f"{round(channel * 255):02X}" for channel in (red, green, blue))


def change_phone(project: Path, index: int) -> None:
    """Edit one clinic the way a user would: a new phone number in its clinic.yaml."""
    folder = project / "clinics" / slug(index)
    settings = yaml.safe_load((folder / "clinic.yaml").read_text(encoding="utf-8"))
    settings["phone"] = phone(index, revision=1)
    write_settings(folder, settings)


# --- running the CLI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One ``brochure build``: its wall time as a user sees it and its summary line."""

    seconds: float
    cpu: float  # user + system seconds of the build and its workers
    built: int
    current: int
    failed: int


def build_command(project: Path, out: Path, jobs: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "brochure", "build", "--project", str(project),
            "--out", str(out), "-q", "-j", str(jobs), *extra]


def run_build(command: list[str], monitor: WorkerMemory | None = None) -> Run:
    """Run the CLI, timed from start to exit; ``monitor`` samples its workers meanwhile."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        cpu_before = _children_cpu()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        with monitor.watching(process.pid) if monitor else contextlib.nullcontext():
            process.wait()
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        output, errors = _read(stdout), _read(stderr)
    if process.returncode != 0:
        raise BenchError(f"{' '.join(command)}\nexited with {process.returncode}:\n"
                         f"{output}{errors}")
    match = SUMMARY.search(output)
    if match is None:
        raise BenchError(f"no summary line in the output of {' '.join(command)}:\n{output}")
    built, current, failed = (int(group or 0) for group in match.groups())
    return Run(seconds, cpu, built, current, failed)


def _children_cpu() -> float:
    """CPU seconds of every finished child process and of their waited-for children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _read(stream: IO[str]) -> str:
    stream.seek(0)
    return stream.read()


# --- worker memory ---------------------------------------------------------------------------


@dataclass
class Track:
    """One worker's peak RSS (VmHWM, in KB) as the documents get done, as (KB, done) pairs."""

    marks: dict[float, tuple[int, int]] = field(default_factory=dict)  # at each checkpoint
    last: tuple[int, int] = (0, 0)  # at the last sample before the worker ended

    def note(self, peak: int, done: int, total: int) -> None:
        for share in CHECKPOINTS:
            if share not in self.marks and done >= max(1, round(total * share)):
                self.marks[share] = (peak, done)
        self.last = (peak, done)

    def growth(self) -> float:
        """Growth of the peak from the first checkpoint to the end."""
        first = self.marks[CHECKPOINTS[0]][0]
        return self.last[0] / first - 1


@dataclass
class WorkerMemory:
    """Samples the build's worker processes from /proc every SAMPLE_SECONDS.

    Workers are the children of the build process that run the same command line (the
    forked pool); with -j1 the build renders in its own process, which is sampled instead.
    Progress is the number of PDFs written so far to ``out``.
    """

    out: Path
    total: int
    in_process: bool
    tracks: dict[int, Track] = field(default_factory=dict)
    parent_peak: int = 0  # the build process's own peak RSS, in KB

    def watching(self, pid: int) -> _Sampler:
        return _Sampler(self, pid)

    def sample(self, pid: int) -> None:
        done = sum(1 for _ in self.out.glob("*/*.pdf"))
        self.parent_peak = max(self.parent_peak, status_kb(pid, "VmHWM") or 0)
        for worker in [pid] if self.in_process else workers_of(pid):
            peak = status_kb(worker, "VmHWM")
            if peak is None:
                continue
            self.tracks.setdefault(worker, Track()).note(peak, done, self.total)


class _Sampler:
    """Runs ``WorkerMemory.sample`` in a thread while the build runs."""

    def __init__(self, memory: WorkerMemory, pid: int) -> None:
        self.memory, self.pid = memory, pid
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _loop(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            self.memory.sample(self.pid)


def workers_of(pid: int) -> list[int]:
    """The children of ``pid`` that run its command line (forked workers)."""
    command = _cmdline(pid)
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(entry) == pid and _cmdline(int(entry.name)) == command:
            children.append(int(entry.name))
    return sorted(children)


def _parent(entry: Path) -> int | None:
    try:
        stat = (entry / "stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def status_kb(pid: int, key: str) -> int | None:
    """A ``kB`` value from /proc/<pid>/status; None once the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return None


# --- comparisons -----------------------------------------------------------------------------


def manifest(out: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry for entry in data["documents"]}


def identical_outputs(first: Path, second: Path) -> tuple[bool, int]:
    """Whether two output folders hold the same manifest and the same PDF bytes."""
    documents = manifest(first)
    same = (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    same = same and all(filecmp.cmp(first / path, second / path, shallow=False)
                        for path in documents)
    return same, len(documents)


def changed_paths(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(path for path in after if before.get(path, {}).get("sha256")
                  != after[path]["sha256"])


def reference(html_out: Path) -> dict[str, Any]:
    """Render every HTML file of ``html_out`` with plain WeasyPrint in one fresh process."""
    paths = sorted(str(path) for path in html_out.glob("*/*.html"))
    result = subprocess.run([sys.executable, "-c", REFERENCE_SCRIPT], input=json.dumps(paths),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"the reference render failed:\n{result.stderr}")
    data: dict[str, Any] = json.loads(result.stdout)
    data["documents"] = len(paths)
    return data


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None

    def line(self) -> str:
        verdict = "" if self.ok is None else ("PASS" if self.ok else "FAIL")
        return f"{self.figure:<33} {self.value:<54} {self.target:<28} {verdict}".rstrip()


def print_report(title: list[str], rows: list[Row], notes: list[str]) -> None:
    print()
    for line in title:
        print(line)
    print()
    print(f"{'figure':<33} {'value':<54} {'target':<28} result")
    print("-" * 125)
    for row in rows:
        print(row.line())
    for note in notes:
        print(f"note: {note}")


def per_doc(seconds: float, documents: int, cpu: float) -> str:
    return f"{seconds:.1f} s, {seconds / documents:.2f} s/doc (CPU {cpu:.0f} s)"


def memory_rows(memory: WorkerMemory) -> list[Row]:
    rows = []
    if not memory.in_process:
        rows.append(Row("build process peak RSS", f"{memory.parent_peak / KB:.0f} MB"))
    tracks = [memory.tracks[pid] for pid in sorted(memory.tracks)]
    if not tracks:
        return [*rows, Row("worker peak RSS", "not sampled (the build was too short)")]
    peaks = [track.last[0] / KB for track in tracks]
    rows.append(Row("worker peak RSS", f"{len(tracks)} worker(s): "
                    + ", ".join(f"{peak:.0f}" for peak in peaks) + " MB",
                    f"< {TARGET_WORKER_MB} MB each", max(peaks) < TARGET_WORKER_MB))
    sampled = [track for track in tracks if CHECKPOINTS[0] in track.marks]
    if sampled:
        worst = max(sampled, key=Track.growth)
        points = [*(worst.marks[share] for share in CHECKPOINTS if share in worst.marks),
                  worst.last]
        rows.append(Row("worker peak RSS growth (worst)",
                        ", ".join(f"{peak / KB:.0f} MB at {done}" for peak, done in points)
                        + f" docs ({worst.growth():+.0%})",
                        f"<= +{TARGET_GROWTH:.0%} (over 200 docs)",
                        worst.growth() <= TARGET_GROWTH))
    return rows


def size_rows(out: Path) -> list[Row]:
    rows = []
    entries = list(manifest(out).values())
    for document, limit in TARGET_SIZE_KB.items():
        sizes = [entry["bytes"] / KB for entry in entries if entry["document"] == document]
        pages = sorted({entry["pages"] for entry in entries if entry["document"] == document})
        if sizes:
            rows.append(Row(f"{document} PDF size", f"max {max(sizes):.0f} KB, median "
                            f"{statistics.median(sizes):.0f} KB, {len(sizes)} PDFs, pages "
                            + "/".join(map(str, pages)), f"< {limit} KB", max(sizes) < limit))
    return rows


# --- the steps -------------------------------------------------------------------------------


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def benchmark(base: Path, clinics: int, jobs: int, memory_only: bool) -> list[Row]:
    """Make the project, run every step and return the report's rows."""
    project, documents = base / "project", DOCUMENTS_PER_CLINIC * clinics
    step(f"making {clinics} clinics in {project}")
    make_project(project, clinics)
    rows: list[Row] = []
    cold_1: Run | None = None
    if not memory_only:
        step(f"cold build -j1 of {documents} documents")
        cold_1 = run_build(build_command(project, base / "out-serial", 1))
        rows.append(Row("cold build -j1", per_doc(cold_1.seconds, documents, cold_1.cpu)))
    out = base / "out-parallel"
    step(f"cold build -j{jobs}, sampling worker memory")
    memory = WorkerMemory(out, documents, in_process=jobs == 1)
    cold_n = run_build(build_command(project, out, jobs), memory)
    rows.append(Row(f"cold build -j{jobs}", per_doc(cold_n.seconds, documents, cold_n.cpu)))
    if cold_1 is not None:
        rows += rebuild_rows(base, project, jobs, cold_1, cold_n)
    rows += memory_rows(memory)
    rows += size_rows(out)
    return rows


def rebuild_rows(base: Path, project: Path, jobs: int, cold_1: Run, cold_n: Run) -> list[Row]:
    """Identical outputs, no-op and one-clinic rebuilds, and the reference."""
    out = base / "out-parallel"
    documents = cold_n.built
    same, compared = identical_outputs(base / "out-serial", out)
    rows = [Row(f"speed-up -j{jobs} over -j1", f"x{cold_1.seconds / cold_n.seconds:.2f}"),
            Row(f"-j1 and -j{jobs} outputs", f"{'identical' if same else 'DIFFERENT'} "
                f"({compared} PDFs and manifest)", "byte-identical", same)]
    step("no-op rebuild")
    noop = run_build(build_command(project, out, jobs))
    rows.append(Row("no-op rebuild", f"{noop.seconds:.2f} s ({noop.built} built, "
                    f"{noop.current} up to date)", f"< {TARGET_NOOP_SECONDS:.0f} s, 0 built",
                    noop.seconds < TARGET_NOOP_SECONDS and noop.built == 0))
    step(f"changing the phone of {slug(0)} and rebuilding")
    before = manifest(out)
    change_phone(project, 0)
    one = run_build(build_command(project, out, jobs))
    changed = changed_paths(before, manifest(out))
    only_it = all(path.startswith(f"{slug(0)}/") for path in changed)
    rows.append(Row("rebuild after one clinic changes",
                    f"{one.seconds:.1f} s ({one.built} built, {one.current} up to date, "
                    f"{len(changed)} PDFs changed)",
                    f"{DOCUMENTS_PER_CLINIC} built, all of that clinic",
                    one.built == DOCUMENTS_PER_CLINIC
                    and one.current == documents - DOCUMENTS_PER_CLINIC and only_it))
    rows += reference_rows(base, project, jobs, cold_n)
    return rows


def reference_rows(base: Path, project: Path, jobs: int, cold_n: Run) -> list[Row]:
    step("building the HTML for the reference (not timed as part of it)")
    html = run_build(build_command(project, base / "out-html", jobs, "--format", "html"))
    step(f"reference: plain WeasyPrint, {html.built} documents one after another")
    data = reference(base / "out-html")
    ratio = cold_n.seconds / data["render"]
    rows = [Row("reference: import weasyprint", f"{data['import']:.2f} s (not in the reference)"),
            Row("reference: render, one process", per_doc(data["render"], data["documents"],
                                                       data["cpu"])),
            Row(f"cold -j{jobs} / reference", f"{ratio:.2f}", f"<= {TARGET_RATIO}",
                ratio <= TARGET_RATIO)]
    if data["warnings"]:
        rows.append(Row("reference warnings", f"{len(data['warnings'])}: {data['warnings'][0]}"))
    return rows


def title(clinics: int, jobs: int) -> list[str]:
    return [f"brochure build benchmark: {clinics} clinics, "
            f"{DOCUMENTS_PER_CLINIC * clinics} documents, -j{jobs} "
            f"on {os.cpu_count()} cores",
            f"Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, "
            f"{platform.platform()}"]


def notes(clinics: int, memory_only: bool) -> list[str]:
    found = []
    if DOCUMENTS_PER_CLINIC * clinics < 200:
        found.append(f"memory was sampled over {DOCUMENTS_PER_CLINIC * clinics} documents; "
                     "the target is for 200: "
                     "run with --clinics 100 (--memory-only to skip the other steps)")
    if memory_only:
        found.append("--memory-only: the timings other than the cold -jN build were not run")
    found.append("worker RSS is the peak so far (VmHWM), sampled every "
                 f"{SAMPLE_SECONDS} s; 1 KB = {KB} bytes, 1 MB = {MB} bytes")
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clinics", type=int, default=50,
                        help="synthetic clinics to make, three documents each (default: 50)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="-j for the parallel builds (default: the number of cores)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make the project and outputs in DIR (new or empty) and keep them")
    parser.add_argument("--memory-only", action="store_true",
                        help="only the cold -jN build: worker memory and PDF sizes "
                             "(e.g. --clinics 100 for the 200-document memory check)")
    args = parser.parse_args(argv)
    if args.clinics < 1 or args.jobs < 1:
        parser.error("--clinics and --jobs must be at least 1")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(str(args.keep)) if args.keep is not None
          else tempfile.TemporaryDirectory(prefix="brochure-bench-")) as folder:
        try:
            rows = benchmark(Path(folder).resolve(), args.clinics, args.jobs, args.memory_only)
        except BenchError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print_report(title(args.clinics, args.jobs), rows, notes(args.clinics, args.memory_only))
    if args.keep is not None:
        print(f"\nproject and outputs kept in {args.keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
