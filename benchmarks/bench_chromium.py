"""Our build against headless Chromium printing the same HTML, and where WeasyPrint's time goes.

    python benchmarks/bench_chromium.py [--repeats R] [--chromium PATH] [--keep DIR]
    python benchmarks/bench_chromium.py --profile [--top N]

Without --profile it times, R times over (default 3), one after the other:

  ours      ``brochure build -j 1 --force --out TMP -v`` on the shipped example project, as a
            fresh process (import, checks, rendering and writing: what a user waits for);
            per-document render times are read from the build's own -v lines;
  WeasyPrint alone  the same HTML rendered by WeasyPrint with the build's options (forms,
            tags, metadata) in one fresh process, one document after another: the floor
            for any code of ours around it;
  Chromium  the same documents exported once with ``--format html`` (not timed), then printed
            one after another by headless Chromium, each a fresh process with a new, empty
            profile folder (cold), timed from start to exit;

and prints the median and minimum of the totals, the per-document medians, and the ratio of
the medians, ours / Chromium, against the target (<= 1.0) with PASS or FAIL. Chromium's PDF
is not the same document (it ignores our running headers, fields and signatures): the figure
says how long a browser takes to print the same HTML, nothing more.

With --profile it renders each exported HTML file in this process with WeasyPrint, as the
build does (forms, tags, metadata; one font configuration per clinic), under cProfile, and
prints per document and in all: the inclusive time of each part of WeasyPrint (styles, boxes,
layout with flex, columns, grid, tables, floats, inline lines, text shaping in Pango,
preferred widths, page margin boxes; drawing with SVG; PDF writing with font subsetting),
how many pages were laid out more than once, and the top functions by cumulative and by own
time. Parts nest (a flex container's time includes the text it lays out): compare a part
before and after a change, do not add parts up.

The exit status is 0 unless a build or a Chromium print fails: this is a report, not a test.
Run it on an idle machine and never beside another timing job.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
TARGET_RATIO = 1.0
BUILT = re.compile(r"^built\s+(\S+)\s+\(.*?, ([\d.]+) s\)$", re.MULTILINE)
SUMMARY = re.compile(r"(\d+) built(?:, \d+ up to date)?, (\d+) failed")

# Parts of WeasyPrint, each the inclusive time of its entry functions (file suffix, name).
PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("parse (HTML, CSS)", (("weasyprint/__init__.py", "__init__"),)),
    ("styles (CSS cascade)", (("weasyprint/css/__init__.py", "get_all_computed_styles"),)),
    ("boxes (formatting structure)",
     (("formatting_structure/build.py", "build_formatting_structure"),)),
    ("layout, all", (("weasyprint/layout/__init__.py", "layout_document"),)),
    ("  flex", (("layout/flex.py", "flex_layout"),)),
    ("  columns", (("layout/column.py", "columns_layout"),)),
    ("  grid", (("layout/grid.py", "grid_layout"),)),
    ("  tables", (("layout/table.py", "table_layout"),)),
    ("  floats", (("layout/float.py", "float_layout"),)),
    ("  inline lines", (("layout/inline.py", "iter_line_boxes"),)),
    ("  text/pango line breaks", (("text/line_break.py", "split_first_line"),)),
    ("  preferred widths", (("layout/preferred.py", "min_content_width"),
                            ("layout/preferred.py", "max_content_width"))),
    ("  page margin boxes", (("layout/page.py", "make_margin_boxes"),)),
    ("draw, all", (("weasyprint/draw/__init__.py", "draw_page"),)),
    ("  svg", (("weasyprint/svg/__init__.py", "draw"),)),
    ("  text", (("weasyprint/draw/text.py", "draw_text"),)),
    ("pdf write, all", (("weasyprint/pdf/__init__.py", "generate_pdf"),)),
    ("  fonts subsetting", (("weasyprint/pdf/fonts.py", "build_fonts_dictionary"),)),
    ("  serialise (pydyf)", (("pydyf/__init__.py", "write"),)),
)
LIBRARIES = ("weasyprint", "pydyf", "fontTools", "tinycss2", "cssselect2", "tinyhtml5")


class BenchError(Exception):
    """A build or a print failed: the figures would mean nothing."""


# --- running things ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Timed:
    """One whole process: its wall seconds and what it printed."""

    seconds: float
    output: str


def run_timed(command: list[str]) -> Timed:
    """Run ``command`` to its end, timed from start to exit; fail on a non-zero status."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False,
                            stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchError(f"{' '.join(command)}\nexited with {result.returncode}:\n"
                         f"{result.stdout}{result.stderr}")
    return Timed(seconds, result.stdout + result.stderr)


def build_command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "brochure", "build", "--project", str(REPO), "-j", "1",
            "--force", "--out", str(out), *extra]


def chromium_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html.as_uri()]


def document_name(path: Path) -> str:
    """``<clinic>/<document>`` from an output path."""
    return f"{path.parent.name}/{path.name.split('.')[0]}"


# --- ours ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildRun:
    seconds: float
    documents: dict[str, float]  # render seconds of each document, from the -v lines


def time_build(out: Path) -> BuildRun:
    """One cold ``brochure build -j 1 --force`` as a fresh process."""
    timed = run_timed(build_command(out, "-v"))
    summary = SUMMARY.search(timed.output)
    if summary is None or summary.group(2) != "0":
        raise BenchError(f"the build did not succeed:\n{timed.output}")
    documents = {document_name(Path(path)): float(seconds)
                 for path, seconds in BUILT.findall(timed.output)}
    return BuildRun(timed.seconds, documents)


def export_html(out: Path) -> list[Path]:
    """The exact HTML the build gives WeasyPrint, one file a document (with a ``<base>``)."""
    run_timed(build_command(out, "--format", "html", "-q"))
    paths = sorted(out.glob("*/*.html"))
    if not paths:
        raise BenchError(f"--format html wrote no HTML into {out}")
    return paths


# --- WeasyPrint alone ------------------------------------------------------------------------

ALONE_SCRIPT = r"""
import json, sys, time
started = time.perf_counter()
import weasyprint
from weasyprint.text.fonts import FontConfiguration
seconds, configs = {}, {}
for path in json.load(sys.stdin):
    begin = time.perf_counter()
    config = configs.setdefault(path.rsplit("/", 2)[0], FontConfiguration())
    document = weasyprint.HTML(filename=path).render(font_config=config, pdf_forms=True)
    document.write_pdf(pdf_tags=True, custom_metadata=True)
    seconds[path] = time.perf_counter() - begin
json.dump({"total": time.perf_counter() - started, "documents": seconds}, sys.stdout)
"""
"""Plain WeasyPrint on the same HTML with the build's options (forms, tags), one fresh process
rendering every document in turn: what our own code adds on top is the difference."""


def time_alone(html: list[Path]) -> ChromiumRun:
    """Our HTML rendered by WeasyPrint alone; the process's whole time (import included)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", ALONE_SCRIPT], capture_output=True,
                            text=True, check=False,
                            input=json.dumps([str(path) for path in html]))
    if result.returncode != 0:
        raise BenchError(f"WeasyPrint alone failed:\n{result.stderr}")
    seconds = time.perf_counter() - started
    documents = json.loads(result.stdout)["documents"]
    named = {document_name(Path(path)): value for path, value in documents.items()}
    first = min(named)  # the import and start-up go with the first document, as in a build
    named[first] += seconds - sum(named.values())
    return ChromiumRun(named)


# --- Chromium --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChromiumRun:
    documents: dict[str, float]  # wall seconds of each fresh Chromium process

    @property
    def seconds(self) -> float:
        return sum(self.documents.values())


def time_chromium(chromium: str, html: list[Path], folder: Path) -> ChromiumRun:
    """Print every HTML file with a fresh headless Chromium, one after another."""
    documents = {}
    for path in html:
        name = document_name(path)
        pdf = folder / f"{name.replace('/', '-')}.pdf"
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=folder))
        documents[name] = run_timed(chromium_command(chromium, path, pdf, profile)).seconds
        shutil.rmtree(profile, ignore_errors=True)
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise BenchError(f"Chromium wrote no PDF for {path}")
    return ChromiumRun(documents)


# --- the timing report -----------------------------------------------------------------------


def median_min(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} s   min {min(values):6.2f} s"


def timing_report(builds: list[BuildRun], alone: list[ChromiumRun], prints: list[ChromiumRun]
                  ) -> list[str]:
    ours = [run.seconds for run in builds]
    plain = [run.seconds for run in alone]
    chromium = [run.seconds for run in prints]
    ratio = statistics.median(ours) / statistics.median(chromium)
    floor = statistics.median(plain) / statistics.median(chromium)
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    names = sorted(set(prints[0].documents) | set(builds[0].documents))
    lines = [f"{'document':<34} {'ours (render)':>14} {'WeasyPrint':>11} {'Chromium':>10}"
             f"   median of {len(builds)} runs"]
    for name in names:
        our = [run.documents[name] for run in builds if name in run.documents]
        weasy = [run.documents[name] for run in alone if name in run.documents]
        their = [run.documents[name] for run in prints if name in run.documents]
        lines.append(f"{name:<34} {_seconds(our):>14} {_seconds(weasy):>11} "
                     f"{_seconds(their):>10}")
    rendered = [sum(run.documents.values()) for run in builds]
    lines += ["",
              f"ours: render of all documents   {median_min(rendered)}",
              f"ours: whole build -j 1          {median_min(ours)}",
              f"WeasyPrint alone, same HTML     {median_min(plain)}",
              f"Chromium: all documents         {median_min(chromium)}",
              f"ratio WeasyPrint alone / Chromium {floor:4.2f}",
              f"ratio ours / Chromium (medians) {ratio:6.2f}   target <= {TARGET_RATIO:.1f}"
              f"   {verdict}"]
    return lines


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s" if values else "-"


def benchmark(chromium: str, repeats: int, folder: Path) -> list[str]:
    step("exporting the HTML (not timed)")
    html = export_html(folder / "html")
    builds: list[BuildRun] = []
    alone: list[ChromiumRun] = []
    prints: list[ChromiumRun] = []
    for run in range(1, repeats + 1):
        step(f"run {run}/{repeats}: brochure build -j 1")
        builds.append(time_build(folder / f"pdf-{run}"))
        step(f"run {run}/{repeats}: WeasyPrint alone, {len(html)} documents")
        alone.append(time_alone(html))
        step(f"run {run}/{repeats}: Chromium, {len(html)} documents")
        out = folder / f"chromium-{run}"
        out.mkdir()
        prints.append(time_chromium(chromium, html, out))
    return timing_report(builds, alone, prints)


def step(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


# --- the profile -----------------------------------------------------------------------------


def profile_documents(paths: list[Path], top: int) -> list[str]:
    """Render each HTML file in this process under cProfile; the report's lines."""
    import weasyprint  # only here: the timing runs never import it in this process
    from weasyprint.text.fonts import FontConfiguration

    configs: dict[Path, FontConfiguration] = {}
    total = pstats.Stats()
    lines: list[str] = []
    for path in paths:
        profiler = cProfile.Profile()
        config = configs.setdefault(path.parent, FontConfiguration())
        started = time.perf_counter()
        with _profiling(profiler):
            document = weasyprint.HTML(filename=str(path)).render(font_config=config,
                                                                  pdf_forms=True)
            document.write_pdf(pdf_tags=True, custom_metadata=True)
        seconds = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        total.add(stats)
        lines += [f"== {document_name(path)}: {seconds:.2f} s under the profiler, "
                  f"{len(document.pages)} pages, {_page_layouts(stats)} page layouts",
                  *_parts(stats), ""]
    lines += [f"== all {len(paths)} documents", *_parts(total), "",
              f"top {top} by cumulative time (all documents)", *_top(total, top, "cumulative"),
              "", f"top {top} by own time (all documents)", *_top(total, top, "tottime")]
    return lines


@contextlib.contextmanager
def _profiling(profiler: cProfile.Profile) -> Iterator[None]:
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


def _entries(stats: pstats.Stats) -> dict[tuple[str, int, str], tuple[int, int, float, float]]:
    """pstats' table: (file, line, function) to (primitive calls, calls, own, cumulative)."""
    return {key: value[:4] for key, value in stats.stats.items()}  # type: ignore[attr-defined]


def _cumulative(stats: pstats.Stats, functions: tuple[tuple[str, str], ...]) -> tuple[float, int]:
    seconds, calls = 0.0, 0
    for (file, _line, name), (_primitive, count, _own, cumulative) in _entries(stats).items():
        if any(file.endswith(suffix) and name == function for suffix, function in functions):
            seconds += cumulative
            calls += count
    return seconds, calls


def _parts(stats: pstats.Stats) -> list[str]:
    whole = max((value[3] for value in _entries(stats).values()), default=0.0) or 1.0
    lines = []
    for label, functions in PARTS:
        seconds, calls = _cumulative(stats, functions)
        lines.append(f"  {label:<30} {seconds:7.2f} s {seconds / whole:6.1%} {calls:7d} calls")
    return lines


def _page_layouts(stats: pstats.Stats) -> int:
    return _cumulative(stats, (("layout/page.py", "make_page"),))[1]


def _top(stats: pstats.Stats, count: int, key: str) -> list[str]:
    column = 3 if key == "cumulative" else 2
    rows = [(value[column], value[1], file, name) for (file, _line, name), value
            in _entries(stats).items() if any(f"/{lib}/" in file for lib in LIBRARIES)]
    rows.sort(reverse=True)
    return [f"  {seconds:7.2f} s {calls:8d}  {_short(file)}:{name}"
            for seconds, calls, file, name in rows[:count]]


def _short(file: str) -> str:
    for library in LIBRARIES:
        marker = f"/{library}/"
        if marker in file:
            return library + "/" + file.split(marker, 1)[1]
    return file


# --- the command line ------------------------------------------------------------------------


def title() -> list[str]:
    return [f"brochure build -j 1 against headless Chromium: the shipped example project, "
            f"on {os.cpu_count()} cores",
            f"Python {platform.python_version()}, {platform.platform()}"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3,
                        help="cold runs of each (default: 3)")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", DEFAULT_CHROMIUM),
                        help=f"the browser (default: $CHROMIUM or {DEFAULT_CHROMIUM})")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="write the outputs into DIR (new or empty) and keep them")
    parser.add_argument("--profile", action="store_true",
                        help="profile WeasyPrint rendering each document instead of timing")
    parser.add_argument("--top", type=int, default=25,
                        help="functions listed by --profile (default: 25)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.top < 1:
        parser.error("--repeats and --top must be at least 1")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")
    if not args.profile and shutil.which(args.chromium) is None:
        parser.error(f"no Chromium at {args.chromium}: give --chromium PATH")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(str(args.keep)) if args.keep is not None
          else tempfile.TemporaryDirectory(prefix="bench-chromium-")) as name:
        folder = Path(name).resolve()
        try:
            if args.profile:
                step("exporting the HTML")
                lines = profile_documents(export_html(folder / "html"), args.top)
            else:
                lines = benchmark(args.chromium, args.repeats, folder)
        except BenchError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    print("\n".join(["", *title(), "", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
