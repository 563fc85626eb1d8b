"""The only way a render may read a resource: files inside the project, and data: URLs."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/otf", ".otf")
mimetypes.add_type("image/svg+xml", ".svg")


class SandboxViolation(FatalURLFetchingError):
    """A template or content asked for a resource outside the sandbox."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"refused to load {shorten(url)}: {reason}")


def shorten(url: str, limit: int = 120) -> str:
    return url if len(url) <= limit else url[: limit - 3] + "..."


class SandboxedFetcher(URLFetcher):
    """A URL fetcher that reads project files and data: URLs, and refuses everything else.

    A refusal is fatal: the document fails with a message naming the URL,
    instead of WeasyPrint's default of logging a warning and carrying on.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"data"}, timeout=1)
        self.root = root.resolve()
        self.refusals: list[SandboxViolation] = []
        """Every refusal, kept because WeasyPrint swallows some (inside SVG images)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except SandboxViolation as refusal:
            self.refusals.append(refusal)
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            try:
                return super().fetch(url, headers)
            except Exception as error:
                raise SandboxViolation(url, f"invalid data URL ({error})") from None
        if scheme != "file":
            raise SandboxViolation(url, "only files inside the project may be used, "
                                        "never the network")
        path = self.resolve(url)
        try:
            body = path.read_bytes()
        except OSError as error:
            raise SandboxViolation(url, f"cannot read the file ({error.strerror})") from None
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body, {"Content-Type": mime_type})

    def resolve(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it lies inside the project."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise SandboxViolation(url, "files on other hosts are not allowed")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root):
            raise SandboxViolation(url, "the file is outside the project folder")
        return path
