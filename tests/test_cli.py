"""The ``brochure`` command: options, exit codes and messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import CLINICS, Built, build, copy_project, run_cli

from brochure.project import Project


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert version("clinic-brochure") in result.output
    assert "brochure" in result.output


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    process = subprocess.run([sys.executable, "-m", "brochure", "--version"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60, check=False)
    assert process.returncode == 0, process.stderr
    assert version("clinic-brochure") in process.stdout


def test_list_shows_clinics_and_their_protocol(shipped: Built,
                                               shipped_project: Project) -> None:
    result = run_cli("list", "--project", shipped.root)
    assert result.exit_code == 0, result.output
    for slug in CLINICS:
        site = shipped_project.clinics[slug]
        protocol = shipped_project.content.protocols[site.clinic.protocol]
        block = result.output[result.output.index(slug):]
        assert site.clinic.name in block
        assert re.search(rf"protocol:\s+{site.clinic.protocol}\b", block), block
        assert protocol.name in block
        assert site.clinic.paper in block
    assert re.search(r"protocol:\s+injection", result.output)
    assert re.search(r"protocol:\s+microneedling", result.output)


def test_list_marks_a_broken_clinic(project: Path) -> None:
    (project / "clinics/harbor-hair-clinic/clinic.yaml").write_text("name: [\n")
    result = run_cli("list", "--project", project)
    assert result.exit_code == 0, result.output
    assert re.search(r"harbor-hair-clinic\s+\(invalid", result.output), result.output
    assert "Lumen Dermatology" in result.output


def test_unknown_clinic_is_a_usage_error_listing_the_clinics(shipped: Built,
                                                              tmp_path: Path) -> None:
    result = build(shipped.root, "--clinic", "nope", "--out", tmp_path / "out")
    assert result.crash is None, result.crash
    assert result.exit_code == 2
    assert "nope" in result.output
    for slug in CLINICS:
        assert slug in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_document_is_a_usage_error(shipped: Built, tmp_path: Path) -> None:
    """The message names the value given and every document kind allowed; nothing is built."""
    result = build(shipped.root, "--document", "leaflet", "--out", tmp_path / "out")
    assert result.crash is None, result.crash
    assert result.exit_code == 2
    assert re.search(r"'leaflet' is not one of 'brochure', 'consent', 'aftercare'",
                     result.output), result.output
    assert not (tmp_path / "out").exists()


def test_document_and_out_options(shipped: Built, tmp_path: Path) -> None:
    """`--document consent --out DIR` writes only the consent forms, and only into DIR."""
    out = tmp_path / "elsewhere"
    before = sorted(path.relative_to(shipped.out) for path in shipped.out.rglob("*"))
    result = build(shipped.root, "--document", "consent", "--out", out)
    assert result.exit_code == 0, result.output
    written = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.pdf"))
    assert written == [f"{slug}/consent.en.pdf" for slug in CLINICS]
    assert {entry["path"] for entry in json.loads((out / "manifest.json").read_text())[
        "documents"]} == set(written)
    for slug in CLINICS:
        assert (out / slug / "consent.en.pdf").read_bytes().startswith(b"%PDF-")
    after = sorted(path.relative_to(shipped.out) for path in shipped.out.rglob("*"))
    assert after == before, "the project's own output folder was written to"


def _asset_urls(html: str) -> list[str]:
    """Relative URLs of fonts (CSS url()) and images (src=) in the HTML."""
    urls = re.findall(r"url\(\s*[\"']?([^\"')]+)", html)
    urls += re.findall(r"<img[^>]*\ssrc=\"([^\"]+)\"", html)
    return [url for url in urls if not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", url)]


@pytest.mark.parametrize("use_out", [False, True], ids=["default-output", "out-option"])
def test_html_format_resolves_assets_from_its_folder(tmp_path: Path, use_out: bool) -> None:
    root = copy_project(tmp_path / "project")
    args = ["--clinic", "harbor-hair-clinic", "--document", "brochure", "--format", "html"]
    out = tmp_path / "html-out" if use_out else root / "output"
    if use_out:
        args += ["--out", str(out)]
    result = build(root, *args)
    assert result.exit_code == 0, result.output
    page = out / "harbor-hair-clinic" / "brochure.en.html"
    html = page.read_text(encoding="utf-8")
    assert not list(out.rglob("*.pdf"))
    bases = re.findall(r"<base\s+href=\"([^\"]*)\"", html)
    assert len(bases) == 1, bases
    base = (page.parent / unquote(bases[0])).resolve()
    assert base == root.resolve()
    urls = _asset_urls(html)
    assert any(re.search(r"\.(ttf|otf|woff2?)$", url) for url in urls), urls
    assert any(url.endswith(".svg") for url in urls), urls
    missing = [url for url in urls if not (base / unquote(url)).is_file()]
    assert not missing, f"not found relative to {page.parent} via <base>: {missing}"


def test_a_folder_without_content_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the wrong folder the command says so, exits 1 and shows no traceback."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    for args in (["build"], ["list"], ["build", "--project", str(empty)]):
        result = run_cli(*args)
        assert result.crash is None, result.crash
        assert result.exit_code == 1, result.output
        assert "content.yaml" in result.output
        assert "--project" in result.output
        assert "Traceback" not in result.output
    assert list(empty.iterdir()) == []


def test_a_project_without_clinics(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    for clinic in (root / "clinics").iterdir():
        (clinic / "clinic.yaml").unlink()
    result = build(root)
    assert result.crash is None, result.crash
    assert result.exit_code == 1
    assert result.output.startswith("error: "), result.output
    assert f"{root / 'clinics'} has no clinic folders with a clinic.yaml" in result.output
    assert "Traceback" not in result.output
    assert not (root / "output").exists()
