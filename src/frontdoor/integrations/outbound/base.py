"""What every outbound channel shares: its error and the backoff between tries."""

from __future__ import annotations

from frontdoor.core import errors


class DeliveryError(errors.DeliveryError):
    """An outbound delivery failed after its last try.

    Parameters
    ----------
    message : str
        One line saying what failed and why (no secrets: webhook URLs are not included).
    transient : bool
        Whether a later try may succeed (server errors, rate limits, network trouble).
    retry_after : float or None
        Seconds the server asked us to wait, when it said so.
    """

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait after failed try number ``attempt`` (1-based): base, 2*base, 4*base, ...

    Parameters
    ----------
    attempt : int
        How many tries failed so far.
    base : float
        Wait after the first failure.
    cap : float
        Longest wait.

    Returns
    -------
    float
    """
    return float(min(cap, base * 2 ** max(0, attempt - 1)))
