"""Offline US ZIP-code geocoding, so a patient's ZIP never has to be sent anywhere to find nearby trials.

The ``zipcodes`` package bundles the US ZIP table with a latitude and longitude for every code. Its
first lookup loads that table (about a third of a second); later lookups are sub-millisecond, and
answers are cached here as well. A coordinate leaves the machine only in the search's ``filter.geo``,
rounded there to about a kilometre (``data.ctgov_query.round_coordinate``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import zipcodes

_CACHE_SIZE = 4096
_ZIP_PATTERN = re.compile(r"^[0-9]{5}$")
# zipcodes.matching is untyped in its package; this gives it the signature its stub documents.
_matching: Callable[[str], list[dict[str, Any]]] = zipcodes.matching


def is_zip_code(text: str) -> bool:
    """Whether text is a 5-digit US ZIP code (ASCII digits only: "０２２１５" or "0221²" are not)."""
    return _ZIP_PATTERN.match(text) is not None


class UnknownZipError(ValueError):
    """A ZIP code that is malformed or not in the table; the message can be shown to the user as is."""


@dataclass(frozen=True)
class Place:
    """Where a ZIP code is: its center (as the ZIP table gives it), city and two-letter state."""

    zip_code: str
    lat: float
    lon: float
    city: str
    state: str


def geocode_zip(zip_code: str) -> Place:
    """Find the place of a five-digit US ZIP code, without using the network.

    Args:
        zip_code: five digits; surrounding spaces are ignored.

    Returns:
        The ZIP code's place.

    Raises:
        UnknownZipError: the code is not five digits, or no such ZIP code exists.

    >>> geocode_zip("02215").city
    'Boston'
    """
    text = zip_code.strip() if isinstance(zip_code, str) else ""
    if not is_zip_code(text):
        raise UnknownZipError(
            "A ZIP code must be 5 digits, for example 02215. "
            "Check it, or leave it empty to see trials anywhere."
        )
    return _lookup(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _lookup(zip5: str) -> Place:
    """Read one code from the bundled table; failures raise and so are not cached."""
    not_found = UnknownZipError(
        f"We could not find the ZIP code {zip5}. Check the five digits, "
        "or leave it empty to see trials anywhere."
    )
    try:
        rows = _matching(zip5)
    except (TypeError, ValueError):
        raise not_found from None
    for row in rows:
        try:
            lat = float(row["lat"])
            lon = float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        return Place(
            zip_code=zip5,
            lat=lat,
            lon=lon,
            city=str(row.get("city") or ""),
            state=str(row.get("state") or ""),
        )
    raise not_found


_list_all: Callable[[], list[dict[str, Any]]] = zipcodes.list_all


#: The outline at the default step, computed from the ZIP table once and shipped with the app: at
#: every start the table took 0.8 s to load and walk, the map's outline 5 ms from this file.
OUTLINE_FILE = Path(__file__).parent / "us_outline.json"
OUTLINE_STEP = 0.4


@lru_cache(maxsize=2)
def us_outline_points(step: float = OUTLINE_STEP) -> tuple[tuple[float, float], ...]:
    """One point per ``step``-degree cell that holds a ZIP code: drawn faintly, they outline the
    US (states, coasts, cities) on a map that loads no map pictures from any outside service."""
    if step == OUTLINE_STEP:
        try:
            rows = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
            return tuple((float(lat), float(lon)) for lat, lon in rows)
        except (OSError, ValueError, TypeError):  # missing or damaged: computed as below
            pass
    return outline_from_zip_table(step)


def outline_from_zip_table(step: float) -> tuple[tuple[float, float], ...]:
    """The outline computed from the bundled ZIP table (what :data:`OUTLINE_FILE` holds)."""
    cells: set[tuple[int, int]] = set()
    for row in _list_all():
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        cells.add((round(lat / step), round(lon / step)))
    return tuple(sorted((round(a * step, 3), round(b * step, 3)) for a, b in cells))


def write_outline(path: Path = OUTLINE_FILE) -> None:
    """Write the shipped outline again (after the ``zipcodes`` package changes its table)::

    python -c "from data.geocode import write_outline; write_outline()"
    """
    rows = [[lat, lon] for lat, lon in outline_from_zip_table(OUTLINE_STEP)]
    path.write_text(json.dumps(rows, separators=(",", ":")) + "\n", encoding="utf-8")
