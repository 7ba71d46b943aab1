"""Outbound delivery: Slack incoming webhooks and email (SMTP), behind one narrow contract.

Two layers; use the upper one unless you have a reason not to.

1. **Exactly-once, durable** (:mod:`frontdoor.notifications.send`)::

       from frontdoor.notifications.send import send_once, slack_target, email_target

       send_once(
           store,
           workspace_id=ws.id,
           key=f"alert:{alert.id}:slack",          # unique per workspace: sent at most once
           channel="slack",
           target=webhook_url,
           payload=slack_payload("3 new churn-risk chats", blocks=[...]),
       )
       send_once(
           store,
           workspace_id=ws.id,
           key=f"loop:{item.id}:{contact.id}",
           channel="email",
           target="kim@example.kr",              # one address, or several comma-separated
           payload=email_payload(subject="출시 안내", text="...", html="<p>...</p>"),
       )

   ``send_once`` records a :class:`~frontdoor.models.Notification` row first (the key is
   unique per workspace, so a second call with the same key records and sends nothing
   and returns the existing row) and then hands delivery to the task queue
   (:func:`frontdoor.core.tasks.enqueue`, task ``deliver_notification``). A failed attempt
   is retried with backoff by any worker, also after a restart (the worker sweep finds
   due rows); after :data:`~frontdoor.notifications.send.MAX_ATTEMPTS` it is given
   up with the reason in ``last_error``. Guarantee: never two sends for one key while
   workers are alive; only a worker that dies *during* a send can cause one repeat after
   its lease runs out (at-least-once at that edge). Emails carry a Message-ID derived
   from the key, so a receiving server can drop such a repeat.

2. **One immediate delivery, no record** (this package):

   - :func:`frontdoor.integrations.outbound.slack.post_slack` ``(url, payload, *, attempts=3, ...)``
     POSTs a JSON payload (``{"text": fallback, "blocks": [...]}``, build it with
     :func:`slack_payload`); retries 5xx, 429 (honouring ``Retry-After``) and connection
     errors with exponential backoff; other 4xx fail at once.
   - :func:`frontdoor.integrations.outbound.email.send_email` ``(config, *, to, subject, text, html=None,
     message_id=None, attempts=3, ...)`` sends a multipart text+html UTF-8 message (Korean
     subjects are RFC 2047 encoded) through :class:`SmtpConfig` (built from the
     ``FRONTDOOR_SMTP_URL`` / ``FRONTDOOR_MAIL_FROM`` settings by
     :meth:`SmtpConfig.from_settings`); retries connection errors and 4xx SMTP replies.

   Both raise :class:`DeliveryError` after the last try; ``error.transient`` tells whether
   a later try may succeed (``retry_after`` carries a server's requested delay).
"""

from __future__ import annotations

from frontdoor.integrations.outbound.base import DeliveryError
from frontdoor.integrations.outbound.email import SmtpConfig, build_message, email_payload, send_email
from frontdoor.integrations.outbound.slack import post_slack, slack_payload

__all__ = [
    "DeliveryError",
    "SmtpConfig",
    "build_message",
    "email_payload",
    "post_slack",
    "send_email",
    "slack_payload",
]
