"""The in-process backend (SQLite): one background thread per store, fed by a queue.

SQLite has one writer at a time, so one worker thread is the right size. Work that must
survive a crash (webhook deliveries) is durable in the database before it is queued;
the worker sweeps such work on start and then every ``sweep_interval`` seconds, so a
delivery left over from a crash, or one whose retry came due, is picked up again.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from frontdoor.core.tasks.registry import RetryLater, dedupe_key, get_task
from frontdoor.core.tasks.sweeps import Work, due_work

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)

# A task that keeps asking to be retried is dropped after this many runs (durable work
# is picked up again by the sweep; its own attempt count decides when to give up).
MAX_RUNS = 8

_Item = tuple[float, int, str, dict[str, Any], int]

# Requests in flight in this process. The worker thread shares the GIL with the web
# server, so before each task it lets them finish first (bounded, so a steady stream of
# requests cannot starve it): a burst of webhooks is acknowledged at once and processed
# right after.
_foreground = 0
_foreground_cond = threading.Condition()
MAX_YIELD_S = 0.25


@contextmanager
def foreground() -> Iterator[None]:
    """Mark latency-sensitive work (a request) that background tasks should not delay."""
    global _foreground
    with _foreground_cond:
        _foreground += 1
    try:
        yield
    finally:
        with _foreground_cond:
            _foreground -= 1
            if _foreground == 0:
                _foreground_cond.notify_all()


def yield_to_foreground(max_wait: float = MAX_YIELD_S) -> None:
    """Wait (at most ``max_wait`` s) until no request is in flight."""
    deadline = time.monotonic() + max_wait
    with _foreground_cond:
        while _foreground > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            _foreground_cond.wait(left)


class InProcessWorker:
    """Run tasks for one store on a background thread.

    Parameters
    ----------
    store : Store
        The store the tasks get as their first argument.
    sweep_interval : float
        Seconds between sweeps for durable work (deliveries, notifications, ...).
    sweep : callable or None
        ``sweep(store)`` run on start and every ``sweep_interval``; it returns the due
        work as ``(task name, kwargs)`` pairs. ``None`` runs every registered sweep
        (:func:`frontdoor.core.tasks.sweeps.due_work`).
    """

    def __init__(
        self,
        store: Store,
        *,
        sweep_interval: float = 5.0,
        sweep: Callable[[Store], list[Work]] | None = None,
    ) -> None:
        self.store = store
        self.sweep_interval = sweep_interval
        self.sweep = sweep
        self._heap: list[_Item] = []
        self._keys: set[str] = set()
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether the thread is alive and not stopping."""
        return self._thread is not None and self._thread.is_alive() and not self._stopping

    def start(self) -> None:
        """Start the thread (it sweeps for leftover work first)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="frontdoor-tasks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the task in hand, then stop; queued work stays durable in the database."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def submit(self, name: str, kwargs: dict[str, Any], *, delay: float = 0.0, run: int = 1) -> bool:
        """Queue ``name(store, **kwargs)``; ``False`` when the same work is already queued."""
        key = dedupe_key(name, kwargs)
        with self._cond:
            if key is not None:
                if key in self._keys:
                    return False
                self._keys.add(key)
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), name, kwargs, run))
            self._cond.notify_all()
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is due or running (delayed retries do not count)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy or (self._heap and self._heap[0][0] <= time.monotonic()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def _sweep(self) -> None:
        try:
            due = (self.sweep or due_work)(self.store)
            for name, kwargs in due:
                self.submit(name, kwargs)
        except Exception:  # the sweep runs again; a broken database must not kill the thread
            log.exception("sweep for pending work failed")

    def _next(self) -> _Item | None:
        """Pop the next due item, sweeping when idle; ``None`` when stopping."""
        next_sweep = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_sweep:
                self._sweep()
                next_sweep = time.monotonic() + self.sweep_interval
                continue
            with self._cond:
                if self._stopping:
                    return None
                if self._heap and self._heap[0][0] <= now:
                    item = heapq.heappop(self._heap)
                    key = dedupe_key(item[2], item[3])
                    if key is not None:
                        self._keys.discard(key)
                    self._busy = True
                    return item
                wake = next_sweep
                if self._heap:
                    wake = min(wake, self._heap[0][0])
                self._cond.wait(max(0.0, wake - now))

    def _run(self) -> None:
        while True:
            item = self._next()
            if item is None:
                return
            _due, _seq, name, kwargs, run = item
            yield_to_foreground()
            try:
                get_task(name)(self.store, **kwargs)
            except RetryLater as exc:
                if run < MAX_RUNS:
                    self.submit(name, kwargs, delay=exc.delay, run=run + 1)
                log.info("task %s will be retried in %.0f s: %s", name, exc.delay, exc.reason)
            except Exception:  # one bad task must not stop the worker
                log.exception("task %s failed", name)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


def run_inline(store: Store, name: str, kwargs: dict[str, Any]) -> None:
    """Run a task now, in this thread (when no worker runs for the store)."""
    try:
        get_task(name)(store, **kwargs)
    except RetryLater as exc:
        # Durable work stays in the database and is swept up by the next worker.
        log.info("task %s will be retried by a worker: %s", name, exc.reason)


def work_loop(
    store: Store,
    *,
    once: bool = False,
    poll: float = 1.0,
    stop: threading.Event | None = None,
) -> int:
    """Process due durable work in this thread until ``stop`` is set (``frontdoor worker`` on SQLite).

    Parameters
    ----------
    store : Store
        The store.
    once : bool
        Return as soon as nothing is due (retries scheduled later are left for later).
    poll : float
        Seconds to sleep when nothing is due.
    stop : threading.Event or None
        Set it to stop after the task in hand.

    Returns
    -------
    int
        Tasks run.
    """
    stop = stop or threading.Event()
    ran = 0
    while not stop.is_set():
        due = due_work(store)
        for name, kwargs in due:
            if stop.is_set():
                break
            try:
                run_inline(store, name, kwargs)
            except Exception:  # one bad task must not stop the loop
                log.exception("task %s failed", name)
            ran += 1
        if not due:
            if once:
                break
            stop.wait(poll)
    return ran
