"""Channel Talk webhooks: the shared token, message and userChat events to records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from frontdoor.integrations._common import bad_record, same, text_or_none
from frontdoor.integrations.base import Record
from frontdoor.integrations.channeltalk.mapping import KIND, by_id, chat_id_of, chat_records
from frontdoor.integrations.webhooks import JsonWebhook


class ChannelTalkWebhook(JsonWebhook):
    """Channel Talk webhook deliveries: ``POST <url>?token=<token>`` with ``{event, type, entity, refers}``.

    Channel Talk signs nothing; the documented check is the shared ``token`` in the query
    string, compared in constant time and never logged. ``message`` events with
    ``chatType`` userChat become a one-message :class:`ConversationRecord`; ``userChat``
    events a conversation with no messages (state, times, contact). Team chats, user and
    lead upserts give no records.
    """

    kind: ClassVar[str] = KIND
    what: ClassVar[str] = "Channel Talk webhook body"

    def verify(
        self,
        *,
        secret: str,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        body: bytes,
        now: float,
    ) -> bool:
        """Whether the ``token`` query parameter equals the source's webhook secret."""
        return same(query.get("token"), secret)

    def delivery_key(self, payload: Any) -> str | None:
        """``message:<id>`` for message events (a retry is a duplicate); other events hash the body."""
        if isinstance(payload, dict) and payload.get("type") == "message":
            entity = payload.get("entity")
            if isinstance(entity, dict) and text_or_none(entity.get("id")):
                return f"message:{entity['id']}"
        return None

    def payload_records(self, payload: Any) -> list[Record]:
        """Records from one parsed delivery; one without an entity object is a :class:`BadRecord`."""
        if not isinstance(payload, dict) or not isinstance(payload.get("entity"), dict):
            return [bad_record("webhook", payload, "no entity object")]
        entity: dict[str, Any] = payload["entity"]
        raw_refers = payload.get("refers")
        refers: Mapping[str, Any] = raw_refers if isinstance(raw_refers, Mapping) else {}
        kind = payload.get("type")
        if kind is None and "personType" in entity:
            kind = "message"
        position = f"webhook {payload.get('event', '')}:{kind}".strip()
        users = by_id(refers.get("user")) | by_id(refers.get("users"))
        managers = by_id(refers.get("manager")) | by_id(refers.get("managers"))
        bots = by_id(refers.get("bot")) | by_id(refers.get("bots"))
        if kind == "message":
            chat_type = entity.get("chatType")
            if chat_type not in (None, "userChat"):
                return []  # team chats are internal conversation, not customer voice
            chat_id = chat_id_of(entity)
            raw_chat = refers.get("userChat")
            chat: dict[str, Any] = dict(raw_chat) if isinstance(raw_chat, Mapping) else {}
            if chat_id is None and text_or_none(chat.get("id")) is None:
                return [bad_record(position, payload, "message has no chatId")]
            chat.setdefault("id", chat_id)
            chat.setdefault("createdAt", entity.get("createdAt"))
            if not chat.get("userId") and entity.get("personType") == "user":
                chat["userId"] = entity.get("personId")
            if not chat.get("userId") and len(users) == 1:
                chat["userId"] = next(iter(users))
            return list(
                chat_records(chat, [entity], users=users, managers=managers, bots=bots, position=position)
            )
        if kind == "userChat":
            return list(
                chat_records(entity, [], users=users, managers=managers, bots=bots, position=position)
            )
        return []
