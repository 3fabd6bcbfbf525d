"""The one exception hierarchy of cjlib.

Every error cjlib raises on purpose derives from :class:`CjlibError`, so a caller can
catch them all with one ``except`` clause. Messages name the parameter or field, the bad
value and what is allowed.

Examples
--------
>>> from cjlib.errors import CjlibError, SchemaError
>>> issubclass(SchemaError, CjlibError)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CjlibError",
    "CjlibWarning",
    "DataError",
    "DataWarning",
    "DegenerateDataWarning",
    "EngineError",
    "FileFormatError",
    "MapValidationError",
    "NotFittedError",
    "Problem",
    "SchemaError",
]


class CjlibError(Exception):
    """Base class of every error raised by cjlib."""


class DataError(CjlibError, ValueError):
    """Input data or arguments that cjlib cannot work with."""


@dataclass(frozen=True)
class Problem:
    """One problem found while checking a map or a table.

    Parameters
    ----------
    path : str
        Where the problem is, e.g. ``stages[2].touchpoints[0].emotion.family`` or a column name.
    message : str
        What is wrong and what is allowed.
    value : object, optional
        The offending value (or a few example offending rows).
    """

    path: str
    message: str
    value: object = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{self.path}: {self.message}{shown}"


class _ProblemsError(DataError):
    """An error that carries every problem found, not just the first."""

    title = "problems found"

    def __init__(self, problems: Sequence[Problem], title: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        head = title or self.title
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head} ({len(self.problems)}):\n{lines}")


class MapValidationError(_ProblemsError):
    """A journey map is invalid; ``.problems`` lists every problem found."""

    title = "invalid journey map"


class SchemaError(_ProblemsError):
    """A table does not follow its data contract; ``.problems`` lists every failure."""

    title = "table does not follow its data contract"


class FileFormatError(DataError):
    """A data file (CSV, Parquet...) cannot be parsed.

    Attributes
    ----------
    filename : str
        The file.
    line : int or None
        1-based line of the problem, when the parser reports one.
    """

    def __init__(self, message: str, *, filename: str, line: int | None = None) -> None:
        self.filename = filename
        self.line = line
        super().__init__(message)


class EngineError(CjlibError, RuntimeError):
    """The query engine failed (out of memory, out of disk, unavailable engine...)."""


class NotFittedError(CjlibError, AttributeError):
    """A model was used before ``fit`` was called."""


class CjlibWarning(UserWarning):
    """Base class of the warnings cjlib raises on purpose."""


class DegenerateDataWarning(CjlibWarning):
    """The data cannot support the estimate asked for (no variation, separation,
    non-identifiable model...); the result says so too, in ``.warnings`` and the summary."""


class DataWarning(CjlibWarning):
    """Some input rows were left out or matched nothing; the result says how many, with examples."""
