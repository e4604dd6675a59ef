"""When and how long to wait before asking ClinicalTrials.gov again.

Policy: throttling (429), transient server errors (500, 502, 503, 504), network failures,
timeouts, and answers that are not study data (an HTML page or cut-off JSON sent with status 200)
are retried; a 400 never is, since asking again would get the same refusal. The wait is the
server's ``Retry-After`` when it sends one (seconds or an HTTP date), otherwise exponential
backoff from ``backoff_base`` doubling up to ``backoff_max`` plus random jitter. The sum of waits
is capped by ``max_total_wait``, and no new attempt starts once ``max_elapsed`` seconds (waits
plus attempts, which a hung service can stretch to the read timeout) have passed: a wait that
would pass either cap ends the retries at once, so a person looking at the screen gets an answer
(or the saved copy) instead of a long silence. The client adds two rules of its own: no retry may
end after the search's deadline, and when a saved copy exists it is shown after the first failure
instead of retrying. Answers that would only come back the same (a wrong shape, a body too large,
JSON nested too deeply) are not retried either.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from data.settings import (
    BACKOFF_BASE_S,
    BACKOFF_JITTER,
    BACKOFF_MAX_S,
    MAX_ELAPSED_S,
    MAX_RETRIES,
    MAX_TOTAL_RETRY_WAIT_S,
    RETRY_STATUSES,
)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait for a ``Retry-After`` of delta-seconds or an HTTP date; ``None`` if unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How persistent the client is; ``RetryPolicy(max_retries=0)`` disables retrying.

    Attributes:
        max_retries: retries after the first attempt.
        backoff_base: first delay in seconds when the server gives no ``Retry-After``.
        backoff_max: longest single computed delay.
        jitter: fraction of the delay added at random (0 disables jitter).
        max_total_wait: cap on the sum of all waits for one request.
        max_elapsed: no retry starts later than this many seconds after the first attempt.
        statuses: HTTP statuses that are retried.
    """

    max_retries: int = MAX_RETRIES
    backoff_base: float = BACKOFF_BASE_S
    backoff_max: float = BACKOFF_MAX_S
    jitter: float = BACKOFF_JITTER
    max_total_wait: float = MAX_TOTAL_RETRY_WAIT_S
    max_elapsed: float = MAX_ELAPSED_S
    statuses: frozenset[int] = RETRY_STATUSES

    def delay(
        self,
        retry_number: int,
        waited: float,
        retry_after: float | None = None,
        rng: random.Random | None = None,
        elapsed: float = 0.0,
    ) -> float | None:
        """Seconds to wait before retry ``retry_number`` (0-based), or ``None`` to give up now.

        ``waited`` is the sum of earlier waits; ``elapsed`` the time since the first attempt.
        """
        if retry_number >= self.max_retries:
            return None
        if retry_after is not None:
            wait = max(0.0, retry_after)
        else:
            wait = min(self.backoff_max, self.backoff_base * (2**retry_number))
            wait += wait * self.jitter * (rng or random).random()
        if waited + wait > self.max_total_wait or elapsed + wait > self.max_elapsed:
            return None
        return wait
