"""The one place that wires the running system: event handlers, tasks and periodic sweeps.

Called by every process that runs frontdoor: the CLI (:func:`frontdoor.cli.main`), the web
app (:func:`frontdoor.web.app.create_app`) and the worker (``frontdoor worker``). Nothing in
frontdoor registers itself at import time; what runs in reaction to what is written here,
in order, with explicit imports. :func:`wire` is idempotent.

1. **Event handlers.** After an ingest batch commits
   (:class:`~frontdoor.core.events.ConversationsIngested`), in this order:

   a. tagging tags the new conversations (rules, then the learned tagger);
   b. routing picks their team, so routing rules on tags see the tags just given;
   c. alerts count the tags just given and raise spikes.

   When a roadmap item is saved as shipped
   (:class:`~frontdoor.core.events.RoadmapItemShipped`), close-the-loop drafts its
   messages in the same transaction.
2. **Tasks**: background jobs by name (what ``enqueue(store, name, ...)`` runs).
3. **Sweeps**: what workers look for periodically and enqueue (durable work that is due).
"""

from __future__ import annotations

from frontdoor.accounts import health
from frontdoor.alerts import service as alerts
from frontdoor.core import events
from frontdoor.core.tasks import register_sweep, register_task
from frontdoor.ingest import deliveries
from frontdoor.notifications import send as notifications
from frontdoor.oncall import digest_delivery as oncall
from frontdoor.roadmap.close_loop import drafts as close_loop
from frontdoor.routing import assign as routing
from frontdoor.routing import delivery as routing_delivery
from frontdoor.routing import model as routing_model
from frontdoor.tagging import autotag as tagging

__all__ = ["register_event_handlers", "register_sweeps", "register_tasks", "wire"]


def register_event_handlers() -> None:
    """Subscribe the feature handlers to the events, in the documented order."""
    events.subscribe(events.ConversationsIngested, tagging.on_conversations_ingested)
    events.subscribe(events.ConversationsIngested, routing.on_conversations_ingested)
    events.subscribe(events.ConversationsIngested, alerts.on_conversations_ingested)
    events.subscribe(events.RoadmapItemShipped, close_loop.on_roadmap_item_shipped)


def register_tasks() -> None:
    """Register every background task under its name.

    ``swept``: the work is durable in a table that a sweep reads, so it may be handed
    to a batching thread (a crash loses nothing).
    """
    register_task(
        deliveries.TASK, deliveries.process_webhook_delivery, dedupe_by=("delivery_id",), swept=True
    )
    register_task(
        notifications.TASK, notifications.deliver_notification, dedupe_by=("notification_id",), swept=True
    )
    register_task(oncall.DIGEST_TASK, oncall.send_digest_task, dedupe_by=("workspace_id",), swept=True)
    register_task(health.SNAPSHOT_TASK, health.snapshot_task, dedupe_by=("workspace_id",), swept=True)
    register_task(
        routing_delivery.ASSIGN_TASK, routing_delivery.assign_channeltalk_task, dedupe_by=("event_id",)
    )
    register_task(routing_model.RETRAIN_TASK, routing_model.retrain_task, dedupe_by=("workspace_id",))


def register_sweeps() -> None:
    """Register the periodic sweeps, each under its own name."""
    # Webhook deliveries pending, due for retry, or abandoned by a dead worker.
    register_sweep("webhook_deliveries", deliveries.due_deliveries)
    # Slack and email notifications to send or retry.
    register_sweep("notifications", notifications.due_notifications)
    # Workspaces whose last complete week has no on-call digest yet.
    register_sweep("oncall_digests", oncall.due_digests)
    # Workspaces without today's account health snapshots.
    register_sweep("account_health", health.due_snapshots)


def wire() -> None:
    """Wire the running system: event handlers, then tasks, then sweeps (idempotent)."""
    register_event_handlers()
    register_tasks()
    register_sweeps()
