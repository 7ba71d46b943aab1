"""The task registry: task name -> ``module:function``, imported when first run."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frontdoor.core.errors import ValidationError


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

    target: str
    dedupe_by: tuple[str, ...] = ()
    swept: bool = False


# name -> spec. A task is ``fn(store, **kwargs)``; kwargs must be JSON values.
TASKS: dict[str, TaskSpec] = {
    "process_webhook_delivery": TaskSpec(
        "frontdoor.ingest.deliveries:process_webhook_delivery", dedupe_by=("delivery_id",), swept=True
    ),
    "sweep_webhook_deliveries": TaskSpec("frontdoor.ingest.deliveries:sweep_webhook_deliveries"),
    # Outbound Slack/email; durable in the notification table, swept with deliveries.
    "deliver_notification": TaskSpec(
        "frontdoor.notifications.send:deliver_notification", dedupe_by=("notification_id",), swept=True
    ),
    # The weekly on-call digest; the sweep finds weeks without one (services.oncall.due_digests).
    "send_oncall_digest": TaskSpec(
        "frontdoor.oncall.digest_delivery:send_digest_task", dedupe_by=("workspace_id",), swept=True
    ),
    # Daily account health snapshots; the sweep finds workspaces without today's
    # (services.health.due_snapshots).
    "snapshot_account_health": TaskSpec(
        "frontdoor.accounts.health:snapshot_task", dedupe_by=("workspace_id",), swept=True
    ),
}


def register_task(name: str, target: str, *, dedupe_by: tuple[str, ...] = ()) -> None:
    """Register ``target`` (``"module:function"``) under ``name``.

    The function is called as ``fn(store, **kwargs)`` in a worker; it may raise
    :class:`RetryLater` to be run again after a delay.
    """
    TASKS[name] = TaskSpec(target, dedupe_by=dedupe_by)


def get_task(name: str) -> Callable[..., Any]:
    """The function registered under ``name``.

    Raises
    ------
    ValidationError
        When no task has that name.
    """
    spec = TASKS.get(name)
    if spec is None:
        raise ValidationError(f"unknown task {name!r}")
    module_name, _, attr = spec.target.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module_name), attr)
    return fn


def dedupe_key(name: str, kwargs: dict[str, Any]) -> str | None:
    """The queueing key of a job (``None`` when the task does not dedupe)."""
    spec = TASKS.get(name)
    if spec is None or not spec.dedupe_by:
        return None
    return name + ":" + ":".join(str(kwargs.get(k)) for k in spec.dedupe_by)
