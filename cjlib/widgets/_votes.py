"""Dot-votes on a map's pain points: the headless tally behind the Workshop widget."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cjlib.errors import DataError
from cjlib.map import JourneyMap

__all__ = ["VoteTally", "pain_point_key"]

VOTE_COLUMNS = [
    "rank",
    "pain_point",
    "stage",
    "touchpoint",
    "text",
    "severity",
    "votes",
    "share",
]


def pain_point_key(touchpoint_id: str, index: int, pain_point_id: str | None) -> str:
    """The id a pain point is voted under: its own ``id``, else ``"<touchpoint>#<n>"`` (1-based)."""
    return pain_point_id or f"{touchpoint_id}#{index + 1}"


@dataclass
class VoteTally:
    """Dot-votes of a workshop on the pain points of a journey map.

    Each participant has ``dots`` votes to spread over the pain points (several on one pain
    point is allowed). The tally refuses a vote once every dot of the room is used, and a
    negative count.

    Parameters
    ----------
    journey_map : JourneyMap
        The map whose pain points are voted on.
    participants : int, default 1
        People in the room.
    dots : int, default 3
        Dots per participant.

    Attributes
    ----------
    votes : dict of str to int
        Votes per pain point key (see :func:`pain_point_key`), every pain point present.

    Examples
    --------
    >>> from cjlib.datasets import load_map
    >>> tally = VoteTally(load_map("telco"), participants=4, dots=3)
    >>> tally.vote("pp_store_upsell", 2).vote("pp_dispute_slow")
    VoteTally(3 of 12 dots used on 17 pain points)
    >>> tally.frame().iloc[0].to_dict()["votes"], tally.remaining
    (2, 9)
    """

    journey_map: JourneyMap
    participants: int = 1
    dots: int = 3
    votes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.journey_map, JourneyMap):
            raise DataError(
                f"journey_map: expected a JourneyMap, got {type(self.journey_map).__name__}"
            )
        self._rows: dict[str, dict[str, object]] = {}
        for stage, tp in self.journey_map.iter_touchpoints():
            for i, pp in enumerate(tp.pain_points):
                key = pain_point_key(tp.id, i, pp.id)
                self._rows[key] = {
                    "pain_point": key,
                    "stage": stage.id,
                    "touchpoint": tp.id,
                    "text": pp.text,
                    "severity": pp.severity,
                }
        unknown = [k for k in self.votes if k not in self._rows]
        if unknown:
            raise DataError(f"votes: unknown pain points {unknown}")
        self.votes = {key: int(self.votes.get(key, 0)) for key in self._rows}
        self.set_room(self.participants, self.dots)

    # -- the room -------------------------------------------------------------------------
    @property
    def pain_points(self) -> list[str]:
        """Keys of every pain point, in map order."""
        return list(self._rows)

    @property
    def capacity(self) -> int:
        """Dots in the room: ``participants * dots``."""
        return self.participants * self.dots

    @property
    def used(self) -> int:
        """Dots placed so far."""
        return sum(self.votes.values())

    @property
    def remaining(self) -> int:
        """Dots still to place."""
        return self.capacity - self.used

    def set_room(self, participants: int, dots: int | None = None) -> VoteTally:
        """Change the number of participants (and dots each); refused below the dots used."""
        dots = self.dots if dots is None else dots
        for name, value in (("participants", participants), ("dots", dots)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise DataError(f"{name} must be a positive integer; got {value!r}")
        if participants * dots < self.used:
            raise DataError(
                f"{participants} participants with {dots} dots each have {participants * dots} "
                f"dots, but {self.used} are already placed: remove votes first"
            )
        self.participants, self.dots = participants, dots
        return self

    # -- voting ---------------------------------------------------------------------------
    def _check_key(self, pain_point: str) -> None:
        if pain_point not in self._rows:
            raise DataError(
                f"pain_point {pain_point!r} is not on the map; allowed: {self.pain_points}"
            )

    def vote(self, pain_point: str, n: int = 1) -> VoteTally:
        """Add ``n`` dots to ``pain_point`` (``n`` negative removes dots)."""
        self._check_key(pain_point)
        if isinstance(n, bool) or not isinstance(n, int):
            raise DataError(f"n must be an integer; got {n!r}")
        new = self.votes[pain_point] + n
        if new < 0:
            raise DataError(
                f"{pain_point!r} has {self.votes[pain_point]} votes: cannot remove {-n}"
            )
        if n > self.remaining:
            raise DataError(
                f"only {self.remaining} of {self.capacity} dots are left; cannot place {n}"
            )
        self.votes[pain_point] = new
        return self

    def unvote(self, pain_point: str, n: int = 1) -> VoteTally:
        """Remove ``n`` dots from ``pain_point``."""
        return self.vote(pain_point, -n)

    def clear(self) -> VoteTally:
        """Remove every vote."""
        self.votes = dict.fromkeys(self._rows, 0)
        return self

    # -- results --------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """Votes per pain point, most voted first (ties in map order).

        Columns ``rank`` (1 = most votes; equal votes share a rank), ``pain_point``,
        ``stage``, ``touchpoint``, ``text``, ``severity``, ``votes`` and ``share`` (of the
        dots placed; 0 when none is).
        """
        rows = [{**row, "votes": self.votes[key]} for key, row in self._rows.items()]
        df = pd.DataFrame(rows, columns=[c for c in VOTE_COLUMNS if c not in ("rank", "share")])
        df["votes"] = df["votes"].astype("int64")
        used = self.used
        df["share"] = df["votes"] / used if used else 0.0
        df = df.sort_values("votes", ascending=False, kind="stable").reset_index(drop=True)
        df.insert(0, "rank", df["votes"].rank(method="min", ascending=False).astype("int64"))
        return df[VOTE_COLUMNS]

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`frame` to a CSV file (UTF-8) and return its path."""
        target = Path(path)
        if target.parent and not target.parent.exists():
            raise DataError(f"path: folder {str(target.parent)!r} does not exist")
        self.frame().to_csv(target, index=False)
        return target

    def __repr__(self) -> str:
        return (
            f"VoteTally({self.used} of {self.capacity} dots used on {len(self._rows)} pain points)"
        )
