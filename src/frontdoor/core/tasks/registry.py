"""The task registry: task name -> the function that runs it.

Nothing registers here at import time: :mod:`frontdoor.bootstrap` registers every task
by importing its function (the one place a reader or a tool sees which code a job runs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frontdoor.core.errors import ValidationError

__all__ = ["TASKS", "RetryLater", "TaskFn", "TaskSpec", "dedupe_key", "get_task", "register_task"]

# A task is ``fn(store, **kwargs)``; kwargs must be JSON values.
TaskFn = Callable[..., Any]


class RetryLater(Exception):
    """Raised by a task that failed for a reason that may pass: run it again later.

    Parameters
    ----------
    reason : str
        Why the attempt failed (safe to log: no secrets, no customer text).
    delay : float
        Seconds to wait before the next attempt.
    """

    def __init__(self, reason: str, *, delay: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


@dataclass(frozen=True)
class TaskSpec:
    """A registered task.

    ``dedupe_by`` names the keyword arguments that identify one piece of work: while a
    job with the same values waits in the queue, enqueueing it again does nothing.
    ``swept``: the work is durable in the database and a periodic sweep enqueues it again,
    so a web process may hand the enqueue to a background thread (a crash loses nothing).
    """

    fn: TaskFn
    dedupe_by: tuple[str, ...] = ()
    swept: bool = False


# name -> spec, filled by frontdoor.bootstrap.
TASKS: dict[str, TaskSpec] = {}


def register_task(name: str, fn: TaskFn, *, dedupe_by: tuple[str, ...] = (), swept: bool = False) -> None:
    """Register ``fn`` under ``name`` (registering the same again changes nothing).

    The function is called as ``fn(store, **kwargs)`` in a worker; it may raise
    :class:`RetryLater` to be run again after a delay.
    """
    TASKS[name] = TaskSpec(fn, dedupe_by=dedupe_by, swept=swept)


def get_task(name: str) -> TaskFn:
    """The function registered under ``name``.

    Raises
    ------
    ValidationError
        When no task has that name.
    """
    spec = TASKS.get(name)
    if spec is None:
        raise ValidationError(f"unknown task {name!r}")
    return spec.fn


def dedupe_key(name: str, kwargs: dict[str, Any]) -> str | None:
    """The queueing key of a job (``None`` when the task does not dedupe)."""
    spec = TASKS.get(name)
    if spec is None or not spec.dedupe_by:
        return None
    return name + ":" + ":".join(str(kwargs.get(k)) for k in spec.dedupe_by)
