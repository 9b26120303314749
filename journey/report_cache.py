"""A persistent cache of the workshop report's drawn work, keyed by content.

Chart SVGs are keyed by the SHA-256 of their Vega-Lite spec; PDF parts by the SHA-256 of the
part's HTML (its journey's whole section, observed figures and votes included, with the
stylesheet and paper size inside it). A key is the content itself, so a change to what a
report shows is always a new key: the cache never changes what a report shows, only how
fast it is built.

It lives in a folder beside the database (``journey.db.cache/``), is handled by
``diskcache`` (SQLite-backed, size-limited, safe across processes) and holds at most
:data:`SIZE_LIMIT` bytes, the least recently used entries going first. Any trouble with it
(a folder that cannot be written, a damaged file) turns it off with a warning: the report is
then built without it.
"""

from __future__ import annotations

import hashlib
import pathlib
import warnings
from typing import Any

#: Most bytes the cache folder holds; the least recently used entries go first.
SIZE_LIMIT = 256 * 1024 * 1024
#: The cache folder's suffix after the database file's name.
SUFFIX = ".cache"


def key(kind: str, *parts: str | bytes) -> str:
    """A cache key: ``kind`` (e.g. "svg", "pdf") and the SHA-256 hex digest of ``parts``
    (text as UTF-8), each part length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return f"{kind}:{digest.hexdigest()}"


class ReportCache:
    """Drawn work by key (see :func:`key`), in a ``diskcache`` folder.

    ``get`` returns None for a miss; ``set`` stores a value (text, bytes or a small tuple).
    The first error of the folder (unwritable, corrupted) warns once
    (:class:`CacheWarning`) and turns the cache off: later calls miss and store nothing.
    """

    def __init__(self, folder: str | pathlib.Path, size_limit: int = SIZE_LIMIT):
        self.folder = pathlib.Path(folder)
        self.size_limit = size_limit
        self._cache: Any = None
        self.broken = False
        self.hits = self.misses = 0

    def _open(self):
        if self._cache is None and not self.broken:
            try:
                import diskcache

                self._cache = diskcache.Cache(str(self.folder), size_limit=self.size_limit)
            except Exception as e:  # any trouble: build without the cache
                self._fail(e)
        return self._cache

    def _fail(self, error: Exception) -> None:
        self.broken = True
        self._cache = None
        warnings.warn(
            f"report cache {self.folder} cannot be used ({type(error).__name__}: {error}); "
            "building the report without it (delete the folder to start a new cache)",
            CacheWarning,
            stacklevel=3,
        )

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None."""
        cache = self._open()
        if cache is None:
            return None
        try:
            value = cache.get(key)
        except Exception as e:
            self._fail(e)
            return None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (nothing happens when the cache is off)."""
        cache = self._open()
        if cache is None:
            return
        try:
            cache.set(key, value)
        except Exception as e:
            self._fail(e)

    def clear(self) -> None:
        """Empty the cache."""
        cache = self._open()
        if cache is not None:
            try:
                cache.clear()
            except Exception as e:
                self._fail(e)

    def close(self) -> None:
        """Close the cache's files (it reopens on next use)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None


class CacheWarning(UserWarning):
    """The report cache could not be used; the report was built without it."""


def beside(database: str | pathlib.Path) -> ReportCache | None:
    """The cache folder beside a database file (``journey.db`` → ``journey.db.cache/``),
    or None for an in-memory database."""
    path = str(database)
    if not path or path == ":memory:" or path.startswith("file::memory:"):
        return None
    return ReportCache(path + SUFFIX)
