"""Stage 1, read: review files (or standard input) to ``Review`` dataclasses.

This module finds and opens the inputs and refuses what it cannot trust (empty, binary,
undecodable, oversized) with a ``ReadError`` that names the file and the problem; markup and
datasets become text in ``inputs``; the text itself is read in ``layout``, its header values
parsed in ``values``.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from .errors import ReadError
from .inputs import ALL_SUFFIXES
from .inputs.encoding import decode_bytes, has_utf16_bom
from .layout import read_text
from .models import Review, ReviewSource
from .settings import Settings

REVIEW_SUFFIXES = ALL_SUFFIXES  # .txt, .md, .html, .csv, ...: see inputs/
STDIN_NAME = "<stdin>"

# ---------------------------------------------------------------------------------------------
# Sources: paths, directories and "-" to raw bytes
# ---------------------------------------------------------------------------------------------


def iter_sources(
    paths: Iterable[str | Path], settings: Settings, stdin: BinaryIO | None = None, fetcher=None
) -> Iterator[ReviewSource | ReadError]:
    """Yield each review's bytes, or a ``ReadError`` in its place, so one bad file stops nothing.

    Directories are searched recursively for ``REVIEW_SUFFIXES`` (hidden folders skipped), in
    sorted order so that builds are reproducible; ``-`` reads standard input; a dataset yields
    one source per row and a URL is fetched by ``fetcher`` (see ``filmgraph.inputs``).
    """
    from .inputs import is_url

    for raw in paths:
        if is_url(raw):  # a web page: fetched (or from the page cache), see inputs/urls.py
            if fetcher is None:
                from .inputs.urls import Fetcher

                fetcher = Fetcher(settings)
            yield fetcher.fetch(str(raw))
            continue
        if str(raw) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = stream.read(settings.max_review_bytes + 1)
            yield _checked(ReviewSource(STDIN_NAME, data), settings)
            continue
        path = Path(raw)
        if _is_dir(path):
            unreadable: list[ReadError] = []
            found = sorted(
                p
                for p in _files_under(path, unreadable)
                if p.suffix.lower() in REVIEW_SUFFIXES and (p.is_file() or p.is_symlink())
            )
            yield from unreadable
            if not found and not unreadable:
                yield ReadError(display_name(path), "directory holds no reviews (*.txt, *.md, *.html, *.csv, ...)")
            for p in found:
                yield from _read_any(p, settings)
        else:
            yield from _read_any(path, settings)


def _read_any(path: Path, settings: Settings) -> Iterator[ReviewSource | ReadError]:
    from .inputs import DATASET_SUFFIXES

    if path.suffix.lower() in DATASET_SUFFIXES:  # one review per row, streamed: inputs/dataset.py
        from .inputs.dataset import iter_rows

        yield from iter_rows(path, settings)
    else:
        yield _read_path(path, settings)


def display_name(path: Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 shown as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, ...: reported when the path is read
        return False


def _files_under(top: Path, unreadable: list[ReadError]) -> Iterator[Path]:
    """Every file below ``top`` (hidden folders skipped); folders that cannot be listed go to ``unreadable``."""

    def failed(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else top
        problem = "permission denied" if isinstance(exc, PermissionError) else f"cannot be listed ({exc.strerror})"
        unreadable.append(ReadError(display_name(where), f"directory {problem}"))

    for folder, dirs, files in os.walk(top, onerror=failed, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield from (Path(folder) / f for f in files if not f.startswith("."))


def _read_path(path: Path, settings: Settings) -> ReviewSource | ReadError:
    name = display_name(path)
    try:
        if not path.exists():
            try:
                path.stat()
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return ReadError(name, "symbolic link loop")
                if exc.errno == errno.ENAMETOOLONG:
                    return ReadError(name, "path too long for this system")
            return ReadError(name, "no such file" + (" (broken symbolic link)" if path.is_symlink() else ""))
        if not path.is_file():
            return ReadError(name, "not a regular file")
        size = path.stat().st_size
        if size > settings.max_review_bytes:
            return ReadError(
                name, f"file is {size:,} bytes, over the {settings.max_review_bytes:,}-byte limit for one review"
            )
        with path.open("rb") as fh:
            data = fh.read(settings.max_review_bytes + 1)
    except PermissionError:
        return ReadError(name, "permission denied")
    except OSError as exc:
        return ReadError(name, f"cannot be read ({exc.strerror or exc})")
    return _checked(ReviewSource(name, data), settings)


def _checked(source: ReviewSource, settings: Settings) -> ReviewSource | ReadError:
    if len(source.data) > settings.max_review_bytes:
        return ReadError(source.name, f"input is over the {settings.max_review_bytes:,}-byte limit for one review")
    if not source.data.strip():
        return ReadError(source.name, "empty file")
    if b"\x00" in source.data[:8192] and not has_utf16_bom(source.data):
        return ReadError(source.name, "binary file (contains NUL bytes), not a text review")
    return source


def decode(source: ReviewSource) -> str:
    """UTF-8 or UTF-16 text (by its BOM; a BOM is dropped) with line endings and odd spaces normalised."""
    return normalise(decode_bytes(source.data, source.name))


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Non-breaking and other exotic spaces become plain spaces; zero-width ones vanish.
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    # inline HTML a page's text kept (``<em>The Flowers of War</em>``): the tags are not words
    text = _INLINE_TAG.sub("", text)
    return text


_INLINE_TAG = re.compile(r"</?(?:em|i|b|strong|u|cite|span|font|a)(?:\s[^<>\n]{0,200})?/?>", re.IGNORECASE)


def read_review(source: ReviewSource, settings: Settings | None = None) -> Review:
    """Parse one review. Raises ``ReadError`` only for input that cannot be text at all.

    Markdown, HTML and dataset rows become plain text first, plus structured fields that win
    over the text's (``filmgraph.inputs``); plain text goes straight to the text reader.
    """
    from . import inputs

    settings = settings or Settings()
    prepared = inputs.prepare(source)
    if prepared is None:
        return read_text(source, decode(source), settings)
    return inputs.apply(read_text(source, normalise(prepared.text), settings), prepared)
