"""Reading the files people have: encodings, Excel's ``sep=`` line, gzip, folders of shards.

Event logs (:mod:`journey.events`) and KPI uploads (:mod:`journey.kpis`) come from Excel,
ERPs and analytics exports, so one module decides how such a file is read, and says so:

- the **encoding** is taken from a byte-order mark, else the file is UTF-8 when its first
  :data:`SAMPLE_BYTES` decode as UTF-8, else charset-normalizer (a maintained detector) names
  it; among the Western single-byte code pages it may name, Windows-1252 (what Excel writes) is
  preferred. A person can name the encoding instead (``--encoding``);
- Excel's **``sep=;`` first line** names the delimiter and is skipped;
- **gzip** (``.gz``) is read through;
- a **folder or glob** of CSV or Parquet files (GA4 exports daily shards) is one log.

Only a sample of a file is read to decide (never a whole large file); a non-UTF-8 event log is
then re-encoded to a UTF-8 copy chunk by chunk, so memory stays bounded. :class:`Reading`
describes the decision in words for the page and the command line.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import pathlib
import re
from dataclasses import dataclass

import charset_normalizer

from .model import ValidationError

__all__ = ["SAMPLE_BYTES", "Reading", "decode", "expand", "sniff", "utf8_copy"]

SAMPLE_BYTES = 1 << 20  # how much of a file is read to decide its encoding (1 MiB)
CHUNK_BYTES = 1 << 20
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_WESTERN = "cp1252"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SUFFIXES = (".csv.gz", ".csv", ".parquet", ".pq", ".gz")


@dataclass(frozen=True)
class Reading:
    """How a text file is read: its encoding (a Python codec name), whether that was detected
    or named, Excel's ``sep=`` delimiter (and so one line to skip) and gzip compression."""

    encoding: str = "utf-8"
    detected: bool = True
    bom: bool = False
    delimiter: str | None = None
    compressed: bool = False

    @property
    def utf8(self) -> bool:
        return codecs.lookup(self.encoding).name in ("utf-8", "utf-8-sig")

    @property
    def skip_lines(self) -> int:
        return 1 if self.delimiter else 0

    def describe(self) -> str:
        """The reading in words, e.g. ``"encoding Windows-1252 (detected: not UTF-8)"``."""
        name = _LABELS.get(codecs.lookup(self.encoding).name, self.encoding)
        how = (
            "named"
            if not self.detected
            else (
                "byte-order mark"
                if self.bom
                else "detected"
                if self.utf8
                else "detected: not UTF-8; --encoding names another"
            )
        )
        parts = [f"encoding {name} ({how})"]
        if self.delimiter:
            parts.append(f"delimiter {self.delimiter!r} from its first line 'sep={self.delimiter}'")
        if self.compressed:
            parts.append("gzip-compressed")
        return ", ".join(parts)


_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "cp1252": "Windows-1252",
    "iso8859-1": "Latin-1",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValidationError(
            f"unknown encoding {encoding!r}; use a name such as utf-8, "
            "cp1252 (Windows-1252) or latin-1"
        ) from None


def _guess_encoding(sample: bytes, complete: bool) -> tuple[str, bool]:
    """(codec name, had a BOM) of a sample of a file's first bytes."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name, True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    if _plausibly_western(sample):
        return _WESTERN, False
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        return _WESTERN, False
    names = [best.encoding, *best.could_be_from_charset]
    if _WESTERN in names or best.encoding.startswith(("utf_16", "utf_32")):
        return _WESTERN, False  # Excel's and most ERPs' Western code page
    return codecs.lookup(best.encoding).name, False


_WESTERN_SIGNS = set("€‚„…†‡ˆ‰‹‘’“”•–—˜™›¡¢£¥§©«®°±²³µ¶·¹»¼½¾¿×÷")


def _plausibly_western(sample: bytes) -> bool:
    """Whether a non-UTF-8 sample reads as Windows-1252 text: its non-ASCII characters are
    letters (ä, é, ß...) or the usual signs (€, “ ”, –), as in Excel's Western files. Short
    samples fool statistical detectors (a German line can look like Big5), so this goes first.
    """
    try:
        text = sample.decode(_WESTERN)
    except UnicodeDecodeError:
        return False
    high = [c for c in text if ord(c) > 127]
    good = sum(c.isalpha() or c in _WESTERN_SIGNS for c in high)
    return bool(high) and good >= 0.9 * len(high)


def _open_binary(path: pathlib.Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def sniff(path: str | pathlib.Path, encoding: str | None = None) -> Reading:
    """How to read the text file at ``path`` (gzip read through), deciding from a sample.

    ``encoding`` names it instead of detecting. Raises ValidationError for an unknown encoding
    name or a gzip file that is not gzip.
    """
    path = pathlib.Path(path)
    try:
        with _open_binary(path) as f:
            sample = f.read(SAMPLE_BYTES)
            complete = len(sample) < SAMPLE_BYTES
    except (OSError, EOFError) as e:
        raise ValidationError(f"{path.name}: could not be read ({e})") from None
    return _reading(sample, complete, encoding, path.name.lower().endswith(".gz"))


def _reading(sample: bytes, complete: bool, encoding: str | None, compressed: bool) -> Reading:
    if encoding:
        name, bom = _check_encoding(encoding), False
        if name == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            name, bom = "utf-8-sig", True
    else:
        name, bom = _guess_encoding(sample, complete)
    first = sample[:200].decode(name, errors="replace").lstrip("\ufeff").splitlines()
    sep = _SEP_LINE.match(first[0]) if first else None
    return Reading(
        encoding=name,
        detected=not encoding,
        bom=bom,
        delimiter=sep.group(1) if sep else None,
        compressed=compressed,
    )


def decode(data: bytes, encoding: str | None = None) -> tuple[str, Reading]:
    """The text of a small file held in memory (a KPI upload), without a ``sep=`` line, and how
    it was read. Raises ValidationError when it does not decode in the chosen encoding."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    reading = _reading(data[:SAMPLE_BYTES], True, encoding, False)
    try:
        text = data.decode(reading.encoding)
    except UnicodeDecodeError as e:
        raise ValidationError(
            f"the file is not {reading.encoding} text (byte {e.start:,} "
            "cannot be read): save it as CSV UTF-8, or name its encoding"
        ) from None
    text = text.lstrip("\ufeff")
    if reading.delimiter:
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text, reading


def utf8_copy(path: pathlib.Path, reading: Reading, folder: pathlib.Path) -> pathlib.Path:
    """A UTF-8 copy of a text file in ``folder``, re-encoded chunk by chunk (bounded memory).

    Raises ValidationError naming the byte where the file does not decode.
    """
    target = folder / (path.name.removesuffix(".gz").removesuffix(".GZ") or "events.csv")
    if not target.name.lower().endswith(".csv"):
        target = target.with_name(target.name + ".csv")
    decoder = codecs.getincrementaldecoder(reading.encoding)(errors="strict")
    done = 0
    with _open_binary(path) as source, open(target, "w", encoding="utf-8", newline="") as out:
        try:
            while chunk := source.read(CHUNK_BYTES):
                out.write(decoder.decode(chunk))
                done += len(chunk)
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as e:
            raise ValidationError(
                f"{path.name}: byte {done + e.start:,} cannot be read as {reading.encoding}; "
                "name the file's encoding with --encoding (on the page: Encoding)"
            ) from None
    return target


def expand(path: str | pathlib.Path) -> list[pathlib.Path]:
    """The files of a log given as a file, a folder (every CSV or Parquet file in it) or a glob
    pattern (``exports/events_2024*.csv.gz``), sorted by name.

    Raises ValidationError when nothing matches or the files mix CSV and Parquet.
    """
    text = str(path)
    p = pathlib.Path(text)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(SUFFIXES))
        where = f"the folder {p}"
    elif glob.has_magic(text) and not p.exists():
        files = sorted(pathlib.Path(f) for f in glob.glob(text) if pathlib.Path(f).is_file())
        where = f"the pattern {text}"
    else:
        return [p]
    if not files:
        raise ValidationError(f"no CSV or Parquet files in {where}")
    kinds = {"parquet" if f.name.lower().endswith((".parquet", ".pq")) else "csv" for f in files}
    if len(kinds) > 1:
        raise ValidationError(f"{where} mixes CSV and Parquet files: import them separately")
    return files
