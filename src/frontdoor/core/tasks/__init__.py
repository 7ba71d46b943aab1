"""Background tasks behind one narrow call: ``enqueue(store, task_name, **kwargs)``.

The backend follows the store's database:

- SQLite: in-process. :func:`start_background` (called by the web app on start) runs one
  worker thread for the store; it first picks up durable work left over from a crash.
  Without a running worker, ``enqueue`` runs the task at once in the caller's thread.
- PostgreSQL: procrastinate. ``enqueue`` defers a job (in the web app, work that a sweep
  would find again is handed to a thread that defers in batches); ``frontdoor worker``
  processes jobs on any number of machines (see :mod:`frontdoor.core.tasks.pg`).

A task is a function ``fn(store, **kwargs)`` registered by name with
:func:`register_task`; kwargs must be JSON values. A task raises :class:`RetryLater` to
be run again after a delay. Built-in tasks: ``process_webhook_delivery(delivery_id=)``
and ``sweep_webhook_deliveries()``.
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import TYPE_CHECKING, Any

from frontdoor.core.tasks.registry import TASKS, RetryLater, TaskSpec, get_task, register_task

if TYPE_CHECKING:
    from frontdoor.core.store import Store
    from frontdoor.core.tasks.inprocess import InProcessWorker
    from frontdoor.core.tasks.pg import BackgroundDeferrer, Deferrer

log = logging.getLogger(__name__)

__all__ = [
    "TASKS",
    "RetryLater",
    "TaskSpec",
    "background_worker",
    "enqueue",
    "get_task",
    "register_task",
    "start_background",
    "stop_background",
]

# Per store object (keyed by id; a finalizer drops the entry with the store).
_workers: dict[int, InProcessWorker] = {}
_deferrers: dict[int, Deferrer] = {}
_background_deferrers: dict[int, BackgroundDeferrer] = {}
# Reentrant: a store's finalizer (_forget) can run from garbage collection inside any
# allocation made while this lock is held, in the same thread; a plain Lock deadlocks there.
_lock = threading.RLock()


def _forget(key: int) -> None:
    with _lock:
        _workers.pop(key, None)
        _deferrers.pop(key, None)
        _background_deferrers.pop(key, None)


def _deferrer(store: Store) -> Deferrer:
    from frontdoor.core.tasks.pg import Deferrer

    with _lock:
        found = _deferrers.get(id(store))
        if found is None:
            found = _deferrers[id(store)] = Deferrer(store)
            weakref.finalize(store, _forget, id(store))
        return found


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
    if task_name not in TASKS:
        get_task(task_name)  # raises the one clear error
    if store.dialect == "postgresql":
        background = _background_deferrers.get(id(store))
        if background is not None and background.running and TASKS[task_name].swept:
            background.submit(task_name, kwargs)
        else:
            _deferrer(store).defer(task_name, kwargs)
        return
    worker = background_worker(store)
    if worker is not None and worker.running:
        worker.submit(task_name, kwargs)
        return
    from frontdoor.core.tasks.inprocess import run_inline

    run_inline(store, task_name, kwargs)


def background_worker(store: Store) -> InProcessWorker | None:
    """The in-process worker running for ``store`` (SQLite), if any."""
    with _lock:
        return _workers.get(id(store))


def start_background(store: Store, *, sweep_interval: float = 5.0) -> None:
    """Start background work for a long-running process (the web app).

    On SQLite this starts the worker thread (idempotent). On PostgreSQL jobs run in
    ``frontdoor worker`` processes; here a thread defers swept work (webhook deliveries)
    in batches so requests do not wait for the queue.
    """
    if store.dialect == "postgresql":
        from frontdoor.core.tasks.pg import BackgroundDeferrer

        deferrer = _deferrer(store)
        with _lock:
            running = _background_deferrers.get(id(store))
            if running is not None and running.running:
                return
            background = _background_deferrers[id(store)] = BackgroundDeferrer(deferrer)
        background.start()
        return
    from frontdoor.core.tasks.inprocess import InProcessWorker

    with _lock:
        if id(store) in _workers and _workers[id(store)].running:
            return
        worker = _workers[id(store)] = InProcessWorker(store, sweep_interval=sweep_interval)
        weakref.finalize(store, _forget, id(store))
    worker.start()


def stop_background(store: Store, *, timeout: float = 10.0) -> None:
    """Stop what :func:`start_background` started and close queue connections."""
    with _lock:
        worker = _workers.pop(id(store), None)
        background = _background_deferrers.pop(id(store), None)
        deferrer = _deferrers.pop(id(store), None)
    if worker is not None:
        worker.stop(timeout)
    if background is not None:
        background.stop(timeout)
    if deferrer is not None:
        try:
            deferrer.close()
        except Exception:  # closing on shutdown must not mask the reason for it
            log.exception("closing the task queue pool failed")
