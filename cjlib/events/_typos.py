"""Warn when a signal names an event (or touchpoint) that is not in the log.

A misspelt name (``flag("purchse")``) would otherwise give an all-False column that looks
like a finding ("nobody purchased"). The warning names the signal, the name, the close
names that do exist, and what the column will hold.

Examples
--------
>>> import warnings
>>> from cjlib.events._signals import flag
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn_unknown_names([flag("purchse")], events=["purchase", "visit"], touchpoints=[])
>>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
signal 'has_purchse': event 'purchse' is not in the log, so the column is all False;
did you mean 'purchase'?
"""

from __future__ import annotations

import difflib
import fnmatch
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cjlib.events._signals import Signal

__all__ = ["UnknownEventWarning", "warn_unknown_names"]

_EMPTY = {
    "count": "all 0",
    "flag": "all False",
    "first_time": "all NaT",
    "last_time": "all NaT",
    "time_between": "all NaT",
    "repeat_within": "all False",
}


class UnknownEventWarning(UserWarning):
    """A signal names an event or touchpoint (or a pattern) that matches nothing in the log."""


def _close(name: str, known: Sequence[str]) -> list[str]:
    lowered: dict[str, str] = {}
    for k in known:
        lowered.setdefault(k.lower(), k)
    pattern = name.lower().replace("*", "").replace("?", "")
    hits = difflib.get_close_matches(pattern, list(lowered), n=3, cutoff=0.6)
    return [lowered[h] for h in hits]


def _matches(name: str, known: Sequence[str]) -> bool:
    if any(ch in name for ch in "*?["):
        return any(fnmatch.fnmatchcase(k, name) for k in known)
    return name in set(known)


def warn_unknown_names(
    signals: Sequence[Signal],
    *,
    events: Sequence[str],
    touchpoints: Sequence[str],
    stacklevel: int = 4,
) -> None:
    """Emit one :class:`UnknownEventWarning` per name that matches nothing."""
    for sig in signals:
        level = "touchpoint" if sig.level == "touchpoint" else "event"
        known = touchpoints if level == "touchpoint" else events
        # the anchors of time_between / repeat_within are always event names
        checks = [(level, known, n) for n in sig.events] + [("event", events, n) for n in sig.after]
        for what, pool, name in checks:
            if _matches(name, pool):
                continue
            kind = "pattern" if any(ch in name for ch in "*?[") else what
            noun = (
                f"{kind} {name!r} matches no {what} in the log"
                if kind == "pattern"
                else (f"{what} {name!r} is not in the log")
            )
            close = _close(name, pool)
            hint = (
                " did you mean " + " or ".join(repr(c) for c in close) + "?"
                if close
                else f" {what} names in the log: {sorted(pool)[:10]}"
                + (" …" if len(pool) > 10 else "")
            )
            empty = _EMPTY.get(sig.kind, "empty")
            warnings.warn(
                f"signal {sig.name!r}: {noun}, so the column is {empty};{hint}",
                UnknownEventWarning,
                stacklevel=stacklevel,
            )
