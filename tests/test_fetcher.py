"""The render sandbox: project files and data: URLs only, refusals fail the document."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from conftest import build, minimal_brochure, override_template, pdf_text
from weasyprint.urls import FatalURLFetchingError

from brochure.errors import BrochureError, SandboxViolation
from brochure.pdf.fetcher import Refusal, SandboxedFetcher

PASSWD = Path("/etc/passwd")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder with one asset, next to a secret file outside it."""
    project = tmp_path / "project"
    (project / "assets").mkdir(parents=True)
    (project / "assets" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside secret")
    return project


def _refused(fetcher: SandboxedFetcher, url: str) -> SandboxViolation:
    with pytest.raises(SandboxViolation) as error:
        fetcher.fetch(url)
    assert error.value.url == url
    assert url in str(error.value)
    return error.value


def test_a_refusal_is_fatal_for_weasyprint_and_a_brochure_error(root: Path) -> None:
    """WeasyPrint only lets FatalURLFetchingError through (anything else is a logged warning);
    the command line reports a BrochureError without a traceback: a refusal is both."""
    refusal = _refused(SandboxedFetcher(root), "https://example.com/logo.png")
    assert isinstance(refusal, Refusal)
    assert isinstance(refusal, FatalURLFetchingError)
    assert isinstance(refusal, BrochureError)


def test_allows_a_project_file(root: Path) -> None:
    path = root / "assets" / "logo.svg"
    response = SandboxedFetcher(root).fetch(path.as_uri())
    assert response.read() == path.read_bytes()
    assert response.content_type == "image/svg+xml"


def test_allows_a_symlink_inside_the_project_to_a_project_file(root: Path) -> None:
    (root / "alias.svg").symlink_to(root / "assets" / "logo.svg")
    response = SandboxedFetcher(root).fetch((root / "alias.svg").as_uri())
    assert response.read() == (root / "assets" / "logo.svg").read_bytes()


def test_allows_a_data_url(root: Path) -> None:
    url = "data:text/plain;base64," + base64.b64encode(b"hello").decode()
    assert SandboxedFetcher(root).fetch(url).read() == b"hello"


@pytest.mark.skipif(not PASSWD.is_file(), reason="no /etc/passwd on this system")
def test_refuses_a_system_file(root: Path) -> None:
    _refused(SandboxedFetcher(root), "file:///etc/passwd")
    _refused(SandboxedFetcher(root), "file://localhost/etc/passwd")


def test_refuses_a_path_that_climbs_out_with_dot_dot(root: Path) -> None:
    fetcher = SandboxedFetcher(root)
    _refused(fetcher, root.as_uri() + "/assets/../../secret.txt")
    _refused(fetcher, root.as_uri() + "/%2e%2e/secret.txt")


def test_refuses_a_symlink_inside_the_project_that_points_outside(root: Path) -> None:
    (root / "assets" / "innocent.svg").symlink_to(root.parent / "secret.txt")
    (root / "linked-folder").symlink_to(root.parent, target_is_directory=True)
    fetcher = SandboxedFetcher(root)
    _refused(fetcher, (root / "assets" / "innocent.svg").as_uri())
    _refused(fetcher, (root / "linked-folder" / "secret.txt").as_uri())


def test_refuses_a_sibling_folder_sharing_the_name_prefix(root: Path) -> None:
    sibling = root.parent / (root.name + "-evil")
    sibling.mkdir()
    (sibling / "x.svg").write_text("<svg/>")
    _refused(SandboxedFetcher(root), (sibling / "x.svg").as_uri())


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/logo.png",
    "HTTPS://EXAMPLE.COM/logo.png",
    "ftp://example.com/logo.png",
    "file://fileserver/share/logo.png",
])
def test_refuses_the_network(root: Path, url: str) -> None:
    _refused(SandboxedFetcher(root), url)


def test_a_missing_project_file_fails_with_its_url(root: Path) -> None:
    _refused(SandboxedFetcher(root), (root / "assets" / "missing.png").as_uri())


# --- end to end: a template asks for something outside the sandbox ---------------------------

BAD_TAGS = {
    "img-file": ('<img src="file:///etc/passwd" alt="x">', "file:///etc/passwd"),
    "attachment": ('<link rel="attachment" href="file:///etc/passwd">', "file:///etc/passwd"),
    "img-https": ('<img src="https://example.com/x.png" alt="x">', "https://example.com/x.png"),
    "relative-escape": ('<img src="../../../../../../../../etc/passwd" alt="x">',
                        "file:///etc/passwd"),
    "css-import": ('<style>@import url("file:///etc/passwd");</style>', "file:///etc/passwd"),
    "css-background": ('<div style="height: 5mm; background: url(http://example.com/b.png)">'
                       "</div>", "http://example.com/b.png"),
}


def _passwd_head() -> bytes:
    return PASSWD.read_bytes()[:24] if PASSWD.is_file() else b"root:x:0:0:"


def _assert_not_leaked(output: Path) -> None:
    secret = _passwd_head()
    for path in output.rglob("*") if output.exists() else []:
        if path.is_file():
            assert secret not in path.read_bytes(), f"/etc/passwd content in {path}"


@pytest.mark.parametrize("case", BAD_TAGS)
def test_a_template_cannot_read_outside_the_project(project: Path, case: str) -> None:
    tag, url = BAD_TAGS[case]
    override_template(project, "harbor-hair-clinic", "brochure.html", minimal_brochure(tag))
    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert url in result.output
    assert "harbor-hair-clinic/brochure.en" in result.output
    assert not (project / "output/harbor-hair-clinic/brochure.en.pdf").exists()
    _assert_not_leaked(project / "output")


def test_a_partial_with_an_attachment_fails_the_brochure(project: Path) -> None:
    """The same in a partial of the full brochure; the consent of that clinic still builds."""
    partial = (project / "templates/partials/back_page.html").read_text(encoding="utf-8")
    override_template(project, "harbor-hair-clinic", "partials/back_page.html",
                      '<link rel="attachment" href="file:///etc/passwd">\n' + partial)
    result = build(project, "--clinic", "harbor-hair-clinic")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert "file:///etc/passwd" in result.output
    assert not (project / "output/harbor-hair-clinic/brochure.en.pdf").exists()
    assert (project / "output/harbor-hair-clinic/consent.en.pdf").is_file(), result.output
    _assert_not_leaked(project / "output")


@pytest.mark.parametrize("url", ["https://example.com/mark.png", "file:///etc/passwd"])
def test_an_image_inside_a_logo_svg_is_refused_loudly(project: Path, url: str) -> None:
    """A logo SVG that links an image outside the project fails the document, naming the URL,
    instead of silently printing the logo without it."""
    logo = project / "clinics/harbor-hair-clinic/assets/logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        f'<image href="{url}" width="40" height="40"/></svg>', encoding="utf-8")
    override_template(project, "harbor-hair-clinic", "brochure.html", minimal_brochure(
        '<img src="{{ theme.logo.path }}" alt="{{ theme.logo.alt }}">'))
    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    _assert_not_leaked(project / "output")
    assert result.crash is None, result.crash
    assert result.exit_code == 1, result.output
    assert url in result.output


def test_a_symlinked_template_cannot_include_a_file_outside_the_project(
        project: Path, tmp_path: Path) -> None:
    """The template loader must keep to the project like the URL fetcher does: a clinic
    template that is a symlink to a file outside the project is refused, not printed."""
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-OUTSIDE-THE-PROJECT 7f3a", encoding="utf-8")
    link = project / "clinics/harbor-hair-clinic/templates/partials/notes.html"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    override_template(project, "harbor-hair-clinic", "brochure.html",
                      minimal_brochure('<p>{% include "partials/notes.html" %}</p>'))
    result = build(project, "--clinic", "harbor-hair-clinic", "--document", "brochure")
    assert result.crash is None, result.crash
    pdf = project / "output/harbor-hair-clinic/brochure.en.pdf"
    leaked = pdf.is_file() and "SECRET-OUTSIDE-THE-PROJECT" in pdf_text(pdf)
    assert not leaked, "a file outside the project was printed into the brochure"
    assert result.exit_code == 1, result.output
    assert "notes.html" in result.output
