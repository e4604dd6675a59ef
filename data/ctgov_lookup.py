"""Fetch chosen studies by their NCT numbers, in one request, for the starred trials of a packet.

A starred trial may no longer be among the search results (the location or a filter changed, or it
came in a shared link); the packet still needs its record. Only the trial numbers are sent (they
are public registry numbers, not personal data), with the same cache and saved-copy rules as any
search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from data.ctgov_client import CtgovClient, SearchResult
from data.ctgov_query import SearchParams
from data.models import Study, canonical_nct

#: Most trial numbers sent in one request; a longer list is asked for in several.
IDS_PER_REQUEST = 100


@dataclass(frozen=True)
class FoundStudies:
    """The studies found for the numbers asked for, the numbers the registry does not have, and
    each search answer (for its fetch date and whether it came from a saved copy)."""

    studies: dict[str, Study]
    missing: tuple[str, ...]
    results: tuple[SearchResult, ...]


def fetch_studies_by_id(client: CtgovClient, nct_ids: Sequence[str]) -> FoundStudies:
    """The records of ``nct_ids`` (malformed numbers count as missing).

    Raises:
        CtgovError: the registry could not be reached and no saved copy exists.
    """
    wanted = list(dict.fromkeys(c for c in (canonical_nct(i) for i in nct_ids) if c))
    bad = tuple(i for i in nct_ids if canonical_nct(i) is None)
    found: dict[str, Study] = {}
    results: list[SearchResult] = []
    for start in range(0, len(wanted), IDS_PER_REQUEST):
        chunk = tuple(wanted[start : start + IDS_PER_REQUEST])
        result = client.search(SearchParams(ids=chunk, page_size=len(chunk), max_pages=1))
        results.append(result)
        found.update((s.nct_id, s) for s in result.studies if s.nct_id in chunk)
    missing = bad + tuple(i for i in wanted if i not in found)
    return FoundStudies(found, missing, tuple(results))
