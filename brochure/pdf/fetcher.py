"""The only way a render may read a resource: files inside the project, and data: URLs."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import SandboxViolation

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

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"data"}, timeout=1)
        self.root = root.resolve()
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
                raise Refusal(url, f"invalid data URL ({error})") from None
        if scheme != "file":
            raise Refusal(url, "only files inside the project may be used, "
                                        "never the network")
        path = self.resolve(url)
        try:
            body = path.read_bytes()
        except OSError as error:
            raise Refusal(url, f"cannot read the file ({error.strerror})") from None
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
        return path
