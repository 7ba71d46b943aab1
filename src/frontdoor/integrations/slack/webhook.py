"""Slack Events API deliveries: the signing secret, replay window, message events to records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from frontdoor.core.domain import AuthorKind
from frontdoor.core.errors import RecordError
from frontdoor.integrations._common import bad_record, header, hmac_hex, same, text_or_none
from frontdoor.integrations.base import Record
from frontdoor.integrations.slack.messages import (
    KIND,
    SKIP_SUBTYPES,
    Thread,
    message_record,
    parse_ts,
    thread_record,
)
from frontdoor.integrations.slack.people import People
from frontdoor.integrations.webhooks import JsonWebhook

MAX_SKEW_S = 300


class SlackWebhook(JsonWebhook):
    """Slack Events API deliveries, signed with the app's signing secret.

    ``X-Slack-Signature`` is ``v0=`` + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
    raw body)) with ``X-Slack-Request-Timestamp``; timestamps more than 300 s from ``now``
    are refused (replays). Message events become a one-message conversation; the author is
    an agent when Slack says the user is of the receiving team (``user_team`` equal to
    ``team_id``), a bot for bot messages, else a customer. ``url_verification`` gives no
    records (the endpoint answers the challenge).
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Slack event body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the signature matches and the timestamp is within 300 s of ``now``."""
        signature = header(headers, "x-slack-signature")
        timestamp = header(headers, "x-slack-request-timestamp")
        if not secret or not signature or not timestamp or not timestamp.strip().isdigit():
            return False
        if abs(now - int(timestamp.strip())) > MAX_SKEW_S:
            return False
        base = b"v0:" + timestamp.strip().encode("ascii") + b":" + body
        return same(signature.strip(), "v0=" + hmac_hex(secret, base))

    def delivery_key(self, payload: Any) -> str | None:
        """``event:<event_id>`` (the same across Slack's retries)."""
        if isinstance(payload, dict) and text_or_none(payload.get("event_id")):
            return f"event:{payload['event_id']}"
        return None

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from a parsed delivery; a malformed message event is a BadRecord."""
        if not isinstance(payload, Mapping) or payload.get("type") != "event_callback":
            return []  # url_verification, app_rate_limited ...
        event = payload.get("event")
        if not isinstance(event, Mapping) or event.get("type") != "message":
            return []
        channel_id = text_or_none(event.get("channel"))
        message: Mapping[str, Any] = event
        if event.get("subtype") == "message_changed":
            inner = event.get("message")
            if not isinstance(inner, Mapping):
                return [bad_record("webhook", payload, "edit without message")]
            message = inner
        if message.get("subtype") in SKIP_SUBTYPES:
            return []
        team = text_or_none(payload.get("team_id")) or text_or_none(event.get("team"))
        people = _EventPeople(home_team=team)
        try:
            if channel_id is None:
                raise RecordError("event has no channel")
            ts = parse_ts(message.get("ts"))
            thread_raw = message.get("thread_ts")
            key = parse_ts(thread_raw) if thread_raw else ts
            record = message_record(channel_id, ts, message, people)
        except RecordError as exc:
            return [bad_record("webhook", payload, str(exc))]
        if record is None:
            return []
        thread = Thread(key=key, messages={ts: record}, first_position="webhook")
        conversation = thread_record(channel_id, "", thread)
        if key != ts:
            conversation.subject = ""  # a reply's first line is not the thread's subject
        return [conversation]


class _EventPeople(People):
    """People for one event: nothing but the receiving team is known."""

    def __init__(self, *, home_team: str | None) -> None:
        super().__init__(users={}, home_team=home_team)

    def kind(self, user_id: str | None, message: Mapping[str, Any]) -> AuthorKind:
        if message.get("subtype") == "bot_message" or message.get("bot_id") or user_id == "USLACKBOT":
            return AuthorKind.BOT
        user_team = text_or_none(message.get("user_team"))
        if user_team and self.home_team and user_team == self.home_team:
            return AuthorKind.AGENT
        return AuthorKind.CUSTOMER
