"""Named periodic sweeps: each finds durable work that is due and names the task for it.

A sweep is ``find(store)`` returning ``(task name, kwargs)`` pairs: deliveries
pending or due for retry, notifications to send, weeks without an on-call digest, days
without account health snapshots. Workers run every registered sweep on start and then
periodically (the in-process worker every few seconds, on PostgreSQL one worker a
minute), and enqueue what they found; a job that is already queued is deduplicated.

Nothing registers here at import time: :mod:`frontdoor.bootstrap` registers each sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontdoor.core.store import Store

__all__ = ["SWEEPS", "Sweep", "Work", "due_work", "register_sweep", "run_sweeps"]

log = logging.getLogger(__name__)

# One piece of due work: (task name, kwargs).
Work = tuple[str, dict[str, Any]]
SweepFn = Callable[["Store"], list[Work]]


@dataclass(frozen=True)
class Sweep:
    """A registered sweep: its name (for logs and docs) and its finder."""

    name: str
    find: SweepFn


# name -> sweep, in registration order (the order work is enqueued).
SWEEPS: dict[str, Sweep] = {}


def register_sweep(name: str, find: SweepFn) -> None:
    """Register ``find(store)`` as the sweep ``name`` (again: replaces it)."""
    SWEEPS[name] = Sweep(name, find)


def due_work(store: Store) -> list[Work]:
    """The due work of every registered sweep, in registration order.

    A sweep that fails is logged and skipped; the others still run (it runs again at the
    next sweep).
    """
    work: list[Work] = []
    for sweep in list(SWEEPS.values()):
        try:
            work.extend(sweep.find(store))
        except Exception:  # one broken sweep must not hide the others' work
            log.exception("sweep %s failed", sweep.name)
    return work


def run_sweeps(store: Store, **_: Any) -> int:
    """Enqueue every piece of due work (a worker's periodic job); returns how many."""
    due = due_work(store)
    for name, kwargs in due:
        store.tasks.enqueue(name, kwargs)
    return len(due)
