"""Background tasks behind one narrow call: ``enqueue(store, task_name, **kwargs)``.

Each store owns its queue (``store.tasks``, :class:`~frontdoor.core.tasks.queue.TaskQueue`);
the backend follows the store's database: in-process on SQLite, procrastinate on
PostgreSQL (see :mod:`frontdoor.core.tasks.pg`).

A task is a function ``fn(store, **kwargs)`` registered by name with
:func:`register_task`; kwargs must be JSON values. A task raises :class:`RetryLater` to
be run again after a delay. Durable work is found again by named sweeps
(:func:`register_sweep`). :mod:`frontdoor.bootstrap` registers every task and sweep;
nothing registers at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontdoor.core.tasks.registry import TASKS, RetryLater, TaskSpec, get_task, register_task
from frontdoor.core.tasks.sweeps import SWEEPS, due_work, register_sweep, run_sweeps

if TYPE_CHECKING:
    from frontdoor.core.store import Store
    from frontdoor.core.tasks.inprocess import InProcessWorker

__all__ = [
    "SWEEPS",
    "TASKS",
    "RetryLater",
    "TaskSpec",
    "background_worker",
    "due_work",
    "enqueue",
    "get_task",
    "register_sweep",
    "register_task",
    "run_sweeps",
    "start_background",
    "stop_background",
]


def enqueue(store: Store, task_name: str, /, **kwargs: Any) -> None:
    """Run ``task_name(store, **kwargs)`` in the background.

    Parameters
    ----------
    store : Store
        The store; its dialect picks the backend.
    task_name : str
        A registered task.
    **kwargs
        The task's arguments (JSON values).

    Raises
    ------
    ValidationError
        When no task has that name.
    """
    store.tasks.enqueue(task_name, kwargs)


def background_worker(store: Store) -> InProcessWorker | None:
    """The in-process worker running for ``store`` (SQLite), if any."""
    return store.tasks.worker


def start_background(store: Store, *, sweep_interval: float = 5.0) -> None:
    """Start background work for a long-running process (see :meth:`TaskQueue.start_background`)."""
    store.tasks.start_background(sweep_interval=sweep_interval)


def stop_background(store: Store, *, timeout: float = 10.0) -> None:
    """Stop what :func:`start_background` started and close queue connections."""
    store.tasks.stop_background(timeout=timeout)
