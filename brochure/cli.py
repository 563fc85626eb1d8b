"""The ``brochure`` command: a thin shell over the functions that do the work.

Exit codes: 0 everything built; 1 invalid input or a document failed; 2 wrong usage.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import NoReturn

import click

from .build.plan import UnknownClinic
from .build.runner import BuildReport, Outcome, ReleaseRefused, build
from .checks import check_project
from .errors import BrochureError, InputError
from .project import Project, load_project

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("."), show_default="current folder",
    help="The project folder: content.yaml, clinics/ and templates/.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("clinic-brochure"), prog_name="brochure")
def main() -> None:
    """Branded patient brochures and consent forms for mesotherapy clinics."""


@main.command("build")
@project_option
@click.option("--clinic", "clinics", multiple=True, metavar="SLUG",
              help="Build only this clinic (repeatable). Default: every clinic.")
@click.option("--document", "documents", multiple=True,
              type=click.Choice(["brochure", "consent"]),
              help="Build only this document (repeatable). Default: the clinic's list.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder. Default: output/ in the project.")
@click.option("--format", "output_format", type=click.Choice(["pdf", "html"]), default="pdf",
              show_default=True,
              help="pdf, or html: the exact HTML given to the PDF renderer, for template work.")
@click.option("--release", is_flag=True,
              help="Refuse to build anything unless every check passes and no document is a "
                   "draft.")
def build_command(project_dir: Path, clinics: tuple[str, ...], documents: tuple[str, ...],
                  out_dir: Path | None, output_format: str, release: bool) -> None:
    """Build every clinic's documents into output/<clinic>/<document>.<lang>.pdf."""
    project = _load(project_dir)
    out = out_dir if out_dir is not None else project.root / "output"
    try:
        report = build(project, out, clinics, documents, output_format,  # type: ignore[arg-type]
                       on_outcome=lambda outcome: _print_outcome(outcome, out),
                       release=release)
    except UnknownClinic as error:
        raise click.UsageError(str(error)) from None
    except ReleaseRefused as error:
        _fail(error, "release refused, nothing built")
    _print_summary(report)
    if not report.ok:
        raise SystemExit(1)


@main.command("check")
@project_option
@click.option("--clinic", "clinics", multiple=True, metavar="SLUG",
              help="Check only this clinic (repeatable). Default: every clinic.")
def check_command(project_dir: Path, clinics: tuple[str, ...]) -> None:
    """Validate every input and check that each consent form has every consent element."""
    project = _load(project_dir)
    unknown = sorted(set(clinics) - set(project.slugs))
    if unknown:
        raise click.UsageError(f"no clinic folder named {', '.join(unknown)}; clinics: "
                               f"{', '.join(project.slugs)}")
    slugs = list(clinics) or project.slugs
    problems = check_project(project, slugs)
    if problems:
        _fail(InputError(problems), f"{len(slugs)} clinic(s) checked")
    click.secho(f"{len(slugs)} clinic(s) checked: every input is valid and every consent "
                "element is present", fg="green")


@main.command("list")
@project_option
def list_command(project_dir: Path) -> None:
    """Show the clinics, their protocol, paper and documents."""
    project = _load(project_dir)
    for slug in project.slugs:
        site = project.clinics.get(slug)
        if site is None:
            click.echo(f"{slug}  (invalid: run 'brochure build --clinic {slug}' for details)")
            continue
        clinic = site.clinic
        documents = ", ".join(f"{name} ({control.id} v{control.version}, {control.status})"
                              for name, control in clinic.documents.items())
        click.echo(f"{slug}  {clinic.name}\n"
                   f"    protocol:  {clinic.protocol} "
                   f"({project.content.protocols[clinic.protocol].name})\n"
                   f"    paper:     {clinic.paper}\n"
                   f"    languages: {', '.join(clinic.languages)}\n"
                   f"    documents: {documents}")


def _load(project_dir: Path) -> Project:
    try:
        return load_project(project_dir)
    except InputError as error:
        _fail(error)
    except BrochureError as error:
        raise click.ClickException(str(error)) from None


def _fail(error: InputError, context: str = "in the input") -> NoReturn:
    click.secho(f"error: {len(error.problems)} problem(s), {context}:", fg="red", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)


def _print_outcome(outcome: Outcome, out: Path) -> None:
    if outcome.error:
        click.secho(f"failed  {outcome.job}: {outcome.error}", fg="red", err=True)
    else:
        assert outcome.path is not None
        size = f"{outcome.size / 1024:.0f} KB"
        click.echo(f"built   {_shown(outcome.path)}  ({size})")


def _print_summary(report: BuildReport) -> None:
    built = len(report.outcomes) - len(report.failed)
    failed = len(report.failed) + len(report.broken)
    click.secho(f"{built} built, {failed} failed", fg="green" if report.ok else "red",
                err=not report.ok)
    for slug, error in report.broken.items():
        click.secho(f"  {slug}: invalid clinic, nothing built", fg="red", err=True)
        for problem in error.problems:
            click.echo(f"    {problem}", err=True)
    for outcome in report.failed:
        click.secho(f"  {outcome.job}: {outcome.error}", fg="red", err=True)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
