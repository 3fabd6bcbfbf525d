"""Reading CSV/Parquet files into pandas with parser failures turned into cjlib errors.

Every reader of a user's file (``EventLog.read_csv``, the ``cjlib`` command's tables) goes
through here, so a broken file gives one :class:`cjlib.errors.FileFormatError` naming the file,
the line when the parser knows it, what is wrong and what is allowed, never a parser traceback.
"""

from __future__ import annotations

import codecs
import os
import re
import zlib
from typing import Any

import pandas as pd

from cjlib.errors import FileFormatError

__all__ = ["file_format_error", "read_csv_frame", "read_parquet_frame"]

_CSV_ALLOWED = "a UTF-8 CSV file with a header row, fields quoted with double quotes"
_ROW = re.compile(r"\brow (\d+)")
_LINE = re.compile(r"\bline (\d+)")


def read_csv_frame(path: str | os.PathLike[str], *, what: str, **kwargs: Any) -> pd.DataFrame:
    """``pandas.read_csv(path, **kwargs)``, raising :class:`FileFormatError` when it cannot parse.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.csv"
    >>> _ = bad.write_text('a,b\\n1,"2\\n')
    >>> try:
    ...     read_csv_frame(bad, what="path")
    ... except FileFormatError as err:
    ...     print(err.line)
    2
    """
    try:
        return pd.read_csv(path, **kwargs)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        raise file_format_error(path, exc, kind="CSV", what=what, allowed=_CSV_ALLOWED) from None


def read_parquet_frame(path: str | os.PathLike[str], *, what: str) -> pd.DataFrame:
    """``pandas.read_parquet(path)``, raising :class:`FileFormatError` when it cannot parse."""
    try:
        return pd.read_parquet(path)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ValueError...
        raise file_format_error(
            path, exc, kind="Parquet", what=what, allowed="a Parquet file"
        ) from None


def file_format_error(
    path: str | os.PathLike[str], exc: BaseException, *, kind: str, what: str, allowed: str
) -> FileFormatError:
    """The :class:`FileFormatError` for ``exc`` raised while parsing ``path`` as ``kind``."""
    filename = os.fspath(path)
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.removeprefix("Error tokenizing data. ").removeprefix("C error: ")
    text = text.split(" LINE 1:")[0]  # DuckDB appends the SQL it ran
    line = _line_of(exc, text, filename)
    where = filename if line is None else f"{filename} (line {line})"
    if "EOF inside string" in text:
        text = f"a quoted field opened on line {line} is never closed"
    elif isinstance(exc, UnicodeDecodeError):
        text = f"byte {exc.object[exc.start : exc.start + 1]!r} is not UTF-8 (pass encoding=...)"
    elif "No columns to parse" in text:
        text = "the file is empty"
    return FileFormatError(
        f"{what}: cannot read {where} as {kind}: {text[:300]}; expected {allowed}",
        filename=filename,
        line=line,
    )


def _line_of(exc: BaseException, text: str, filename: str) -> int | None:
    if isinstance(exc, UnicodeDecodeError):
        return None if filename.endswith(".gz") else _first_non_utf8_line(filename)
    if (found := _ROW.search(text)) is not None:
        return int(found.group(1)) + 1  # pandas counts rows from 0, the header being row 0
    if (found := _LINE.search(text)) is not None:
        return int(found.group(1))
    return None


def _first_non_utf8_line(filename: str) -> int | None:
    """The line of the first byte that is not UTF-8 (read in chunks: only on the error path)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    try:
        with open(filename, "rb") as handle:
            while chunk := handle.read(1 << 20):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return lines + chunk[: exc.start].count(b"\n")
                lines += chunk.count(b"\n")
    except OSError:
        return None
    return None
