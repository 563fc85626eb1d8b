"""The only way a render may read a resource: files inside the project, and data: URLs."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import SandboxViolation, os_reason, relative_name

ASSET_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif",
                            ".webp", ".svg", ".css"})
"""What a template may load: a clinic's data files, or code, can never be attached."""

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("image/svg+xml", ".svg")


class Refusal(SandboxViolation, FatalURLFetchingError):  # type: ignore[misc]
    """A :class:`SandboxViolation` that WeasyPrint lets through: fatal, it stops the render
    instead of being logged and skipped."""


class SandboxedFetcher(URLFetcher):  # type: ignore[misc]
    """A URL fetcher that reads project files and data: URLs, and refuses everything else.

    A refusal is fatal: the document fails with a message naming the URL,
    instead of WeasyPrint's default of logging a warning and carrying on.
    """

    def __init__(self, root: Path, folders: Sequence[Path] = ()) -> None:
        super().__init__(allowed_protocols={"data"}, timeout=1)
        self.root = root.resolve()
        self.folders = [folder.resolve() for folder in folders] or [self.root]
        """Where files may come from: a clinic's render reads its own folder and the theme."""
        self.refusals: list[Refusal] = []
        """Every refusal, kept because WeasyPrint swallows some (inside SVG images)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except Refusal as refusal:
            self.refusals.append(refusal)
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            try:
                return super().fetch(url, headers)
            except Exception as error:
                raise Refusal(url, "the data: address is damaged and cannot be read"
                              ) from error
        if scheme != "file":
            raise Refusal(url, "only files inside the project may be used, "
                                        "never the network")
        path = self.resolve(url)
        try:
            body = path.read_bytes()
        except OSError as error:
            raise Refusal(url, f"cannot read the file: {os_reason(error)}") from None
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": mime_type})

    def resolve(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it lies inside the project."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise Refusal(url, "files on other hosts are not allowed")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root):
            raise Refusal(url, "the file is outside the project folder")
        if not any(path.is_relative_to(folder) for folder in self.folders):
            shown = ", ".join(f"{relative_name(folder, self.root)}/" for folder in self.folders)
            raise Refusal(url, f"a document may use files from {shown} only, and this one is "
                               f"{relative_name(path, self.root)}")
        if path.suffix.lower() not in ASSET_SUFFIXES:
            raise Refusal(url, f"only fonts, images and stylesheets may be used in a document, "
                               f"not a {path.suffix or 'file without an ending'} file")
        return path
