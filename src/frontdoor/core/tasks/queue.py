"""A store's task queue: where ``enqueue`` sends work, and the background work it runs.

Every :class:`~frontdoor.core.store.Store` owns one (``store.tasks``); its state (the
in-process worker thread on SQLite, the procrastinate deferrers on PostgreSQL) lives and
dies with the store.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from frontdoor.core.tasks.inprocess import InProcessWorker, run_inline
from frontdoor.core.tasks.registry import TASKS, get_task

if TYPE_CHECKING:
    from frontdoor.core.store import Store
    from frontdoor.core.tasks.pg import BackgroundDeferrer, Deferrer

__all__ = ["TaskQueue"]

log = logging.getLogger(__name__)


class TaskQueue:
    """Run tasks for one store, on the backend its database calls for.

    - SQLite: in-process. :meth:`start_background` (the web app calls it on start) runs
      one worker thread; it first picks up durable work left over from a crash. Without a
      running worker, :meth:`enqueue` runs the task at once in the caller's thread.
    - PostgreSQL: procrastinate. :meth:`enqueue` defers a job (once the background is
      started, swept work is handed to a thread that defers in batches); ``frontdoor
      worker`` processes jobs on any number of machines (:mod:`frontdoor.core.tasks.pg`).

    Parameters
    ----------
    store : Store
        The store whose tasks these are (its dialect picks the backend).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._worker: InProcessWorker | None = None
        self._deferrer: Deferrer | None = None
        self._background: BackgroundDeferrer | None = None
        self._lock = threading.Lock()

    @property
    def worker(self) -> InProcessWorker | None:
        """The in-process worker running for the store (SQLite), if any."""
        return self._worker

    def enqueue(self, task_name: str, kwargs: dict[str, Any]) -> None:
        """Run ``task_name(store, **kwargs)`` in the background.

        Raises
        ------
        ValidationError
            When no task has that name.
        """
        if task_name not in TASKS:
            get_task(task_name)  # raises the one clear error
        if self.store.dialect == "postgresql":
            background = self._background
            if background is not None and background.running and TASKS[task_name].swept:
                background.submit(task_name, kwargs)
            else:
                self._pg_deferrer().defer(task_name, kwargs)
            return
        worker = self._worker
        if worker is not None and worker.running:
            worker.submit(task_name, kwargs)
            return
        run_inline(self.store, task_name, kwargs)

    def _pg_deferrer(self) -> Deferrer:
        # Imported here: procrastinate is the optional [postgres] extra.
        from frontdoor.core.tasks.pg import Deferrer

        with self._lock:
            if self._deferrer is None:
                self._deferrer = Deferrer(self.store)
            return self._deferrer

    def start_background(self, *, sweep_interval: float = 5.0) -> None:
        """Start background work for a long-running process (the web app); idempotent.

        On SQLite this starts the worker thread. On PostgreSQL jobs run in ``frontdoor
        worker`` processes; here a thread defers swept work (webhook deliveries) in
        batches so requests do not wait for the queue.
        """
        if self.store.dialect == "postgresql":
            from frontdoor.core.tasks.pg import BackgroundDeferrer

            deferrer = self._pg_deferrer()
            with self._lock:
                if self._background is not None and self._background.running:
                    return
                background = self._background = BackgroundDeferrer(deferrer)
            background.start()
            return
        with self._lock:
            if self._worker is not None and self._worker.running:
                return
            worker = self._worker = InProcessWorker(self.store, sweep_interval=sweep_interval)
        worker.start()

    def stop_background(self, *, timeout: float = 10.0) -> None:
        """Stop what :meth:`start_background` started and close queue connections."""
        with self._lock:
            worker, self._worker = self._worker, None
            background, self._background = self._background, None
            deferrer, self._deferrer = self._deferrer, None
        if worker is not None:
            worker.stop(timeout)
        if background is not None:
            background.stop(timeout)
        if deferrer is not None:
            try:
                deferrer.close()
            except Exception:  # closing on shutdown must not mask the reason for it
                log.exception("closing the task queue pool failed")
