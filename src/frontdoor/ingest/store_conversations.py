"""Storing a batch's conversations and messages: merge into what is stored, never duplicate.

Conversations and messages are upserted by ``(source_id, external_id)``. A content hash of
what is stored tells *new*, *updated* (an edited message is updated in place) and
*unchanged* (a re-import adds no rows). A conversation record with only some messages is
merged: what it leaves out is kept (account, contact, subject, older messages) and
``message_count``, ``last_message_at`` and ``language`` follow the stored messages.

New rows go in with executemany on SQLite and with ``COPY`` on PostgreSQL
(:mod:`frontdoor.db.bulk`; conversation ids are taken from the sequence first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from frontdoor.core.text.language import language_from_counts
from frontdoor.db import bulk
from frontdoor.ingest.batch import Batch, PreparedConversation, PreparedMessage, attrs_json, digest
from frontdoor.ingest.identity import Resolved
from frontdoor.ingest.rows import Scope, chunks, rows_by_external_id, update_by_id
from frontdoor.ingest.summary import Counts
from frontdoor.models import AuthorKind, Conversation, ConversationStatus, Message

__all__ = ["store_conversations"]

_CONV = cast(Table, Conversation.__table__)
_MSG = cast(Table, Message.__table__)


@dataclass
class _Writes:
    """Rows to insert and update, and what the batch changed."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


def store_conversations(
    s: Session,
    scope: Scope,
    batch: Batch,
    who: dict[str, Resolved],
    authors: dict[int, int | None],
    counts: tuple[Counts, Counts],
    now: dt.datetime,
) -> set[int]:
    """Store the batch's conversations, then their messages; return the ids created or changed.

    Parameters
    ----------
    s : Session
        The batch's transaction.
    scope : Scope
        Workspace and source of the batch.
    batch : Batch
        Its ``convs`` (with their messages) are stored.
    who : dict
        The resolved account and contact per conversation external id.
    authors : dict
        The contact id of each message with an author of its own, by ``id()`` of the message.
    counts : (Counts, Counts)
        Conversation and message counts, incremented per row.
    now : datetime
        The batch's timestamp.
    """
    existing = _existing_conversations(s, scope, list(batch.convs))
    writes = _Writes()
    conv_ids: dict[str, int] = {}
    contact_of: dict[str, int | None] = {}
    for ext, cv in batch.convs.items():
        old = existing.get(ext)
        values = _conversation_values(cv, who[ext], old, now)
        contact_of[ext] = values["contact_id"]
        if old is None:
            values.update(_new_conversation_values(scope, cv, now))
            writes.inserts.append(values)
            counts[0].new += 1
        else:
            conv_ids[ext] = old.id
            if values["content_hash"] == old.content_hash:
                counts[0].unchanged += 1
            else:
                values["_id"] = old.id
                writes.updates.append(values)
                counts[0].updated += 1
                writes.touched.add(old.id)
    _insert_conversations(s, scope, writes, conv_ids)
    update_by_id(s, _CONV, writes.updates)
    messages = _MessageWriter(scope, conv_ids, contact_of, existing, authors, counts[1], now)
    return writes.touched | messages.store(s, batch)


def _existing_conversations(s: Session, scope: Scope, ext_ids: list[str]) -> dict[str, Any]:
    c = _CONV.c
    columns = (
        c.id,
        c.external_id,
        c.subject,
        c.opened_at,
        c.closed_at,
        c.account_id,
        c.contact_id,
        c.attributes,
        c.content_hash,
        c.message_count,
        c.last_message_at,
        c.language,
    )
    return {row.external_id: row for row in rows_by_external_id(s, _CONV, columns, scope.source_id, ext_ids)}


def _conversation_values(
    cv: PreparedConversation, who: Resolved, old: Any, now: dt.datetime
) -> dict[str, Any]:
    """The stored columns of a conversation, merged into ``old`` when it exists, hash included."""
    account_id, contact_id = who.account_id, who.contact_id
    subject, opened, closed, attrs = cv.subject, cv.opened_at, cv.closed_at, cv.attributes
    if old is not None:
        # Merge into what is stored: a partial record never erases known facts.
        account_id = account_id if account_id is not None else old.account_id
        contact_id = contact_id if contact_id is not None else old.contact_id
        subject = subject or old.subject
        opened = min(opened, old.opened_at)
        if closed is None and cv.status == ConversationStatus.CLOSED:
            closed = old.closed_at
        attrs = {**(old.attributes or {}), **attrs}
    content = digest(
        cv.channel.value,
        subject,
        cv.status.value,
        opened.isoformat(),
        closed.isoformat() if closed else "",
        account_id,
        contact_id,
        attrs_json(attrs),
    )
    return {
        "account_id": account_id,
        "contact_id": contact_id,
        "channel": cv.channel,
        "subject": subject,
        "status": cv.status,
        "opened_at": opened,
        "closed_at": closed,
        "attributes": attrs,
        "content_hash": content,
        "updated_at": now,
    }


def _new_conversation_values(scope: Scope, cv: PreparedConversation, now: dt.datetime) -> dict[str, Any]:
    """The columns only a new conversation sets; its language from its customers' letters."""
    msgs = cv.messages.values()
    hangul = sum(m.hangul for m in msgs if m.author_kind == AuthorKind.CUSTOMER)
    latin = sum(m.latin for m in msgs if m.author_kind == AuthorKind.CUSTOMER)
    if not hangul and not latin:
        hangul = sum(m.hangul for m in msgs)
        latin = sum(m.latin for m in msgs)
    return {
        "workspace_id": scope.workspace_id,
        "source_id": scope.source_id,
        "external_id": cv.external_id,
        "created_at": now,
        # Provisional: corrected by the message writer when some messages already existed.
        "message_count": len(cv.messages),
        "last_message_at": max((m.sent_at for m in msgs), default=None),
        "language": language_from_counts(hangul, latin),
    }


def _insert_conversations(s: Session, scope: Scope, writes: _Writes, conv_ids: dict[str, int]) -> None:
    inserts = writes.inserts
    if inserts and scope.postgresql:
        # Ids first, then one COPY: no RETURNING, no multi-row INSERT to parse.
        for values, cid in zip(inserts, bulk.next_ids(s, _CONV, len(inserts)), strict=True):
            values["id"] = cid
            conv_ids[str(values["external_id"])] = cid
            writes.touched.add(cid)
        bulk.copy_rows(s, _CONV, inserts)
    elif inserts:
        c = _CONV.c
        result = s.execute(
            _CONV.insert().returning(c.id, c.external_id, sort_by_parameter_order=True), inserts
        )
        for cid, ext in result:
            conv_ids[ext] = cid
            writes.touched.add(cid)


class _MessageWriter:
    """Stores the messages of one batch's conversations and keeps their aggregates right."""

    def __init__(
        self,
        scope: Scope,
        conv_ids: dict[str, int],
        contact_of: dict[str, int | None],
        existing_convs: dict[str, Any],
        authors: dict[int, int | None],
        counts: Counts,
        now: dt.datetime,
    ) -> None:
        self.scope = scope
        self.conv_ids = conv_ids
        self.contact_of = contact_of
        self.existing_convs = existing_convs
        self.authors = authors
        self.counts = counts
        self.now = now
        self.writes = _Writes()
        # Conversations whose count and last time are re-read from their messages.
        self.recount: set[int] = set()
        # Per existing conversation: new messages (count, latest time, hangul, latin).
        self.grown: dict[int, list[Any]] = {}

    def store(self, s: Session, batch: Batch) -> set[int]:
        """Store the messages; return the ids of the conversations they changed."""
        m_c = _MSG.c
        all_ext = [ext for cv in batch.convs.values() for ext in cv.messages]
        existing: dict[str, tuple[int, int, str]] = {}
        columns = (m_c.id, m_c.external_id, m_c.conversation_id, m_c.content_hash)
        for mid, ext, conv_id, old_hash in rows_by_external_id(
            s, _MSG, columns, self.scope.source_id, all_ext
        ):
            existing[ext] = (mid, conv_id, old_hash)
        new_conv_ids = {self.conv_ids[e] for e in batch.convs if e not in self.existing_convs}
        seen: set[str] = set()
        for cv in batch.convs.values():
            conv_id = self.conv_ids[cv.external_id]
            for ext, m in cv.messages.items():
                if ext in seen:
                    # The same message id in two conversations of one batch: first wins.
                    continue
                seen.add(ext)
                self._add(m, cv.external_id, conv_id, existing.get(ext), conv_id in new_conv_ids)
        self._write(s)
        # A new conversation may have adopted messages stored under another id.
        for cv in batch.convs.values():
            conv_id = self.conv_ids[cv.external_id]
            if conv_id in new_conv_ids and any(e in existing for e in cv.messages):
                self.recount.add(conv_id)
        self._update_aggregates(s)
        return self.writes.touched

    def _add(
        self,
        m: PreparedMessage,
        conv_ext: str,
        conv_id: int,
        old: tuple[int, int, str] | None,
        is_new_conv: bool,
    ) -> None:
        contact_id = self.authors.get(id(m)) if m.author is not None else None
        if contact_id is None and m.author_kind == AuthorKind.CUSTOMER:
            contact_id = self.contact_of.get(conv_ext)
        if old is not None and old[2] == m.content_hash and old[1] == conv_id:
            self.counts.unchanged += 1
            return
        row = {
            "conversation_id": conv_id,
            "author_kind": m.author_kind,
            "author_name": m.author_name,
            "contact_id": contact_id,
            "is_internal": m.is_internal,
            "text": m.text,
            "text_truncated": m.truncated,
            "language": m.language,
            "sent_at": m.sent_at,
            "content_hash": m.content_hash,
            "attributes": m.attributes,
            "updated_at": self.now,
        }
        if old is None:
            scope = self.scope
            row.update(
                workspace_id=scope.workspace_id,
                source_id=scope.source_id,
                external_id=m.external_id,
                created_at=self.now,
            )
            self.writes.inserts.append(row)
            self.counts.new += 1
            if not is_new_conv:
                g = self.grown.setdefault(conv_id, [0, None, 0, 0])
                g[0] += 1
                g[1] = m.sent_at if g[1] is None else max(g[1], m.sent_at)
                g[2] += m.hangul
                g[3] += m.latin
        else:
            row["_id"] = old[0]
            self.writes.updates.append(row)
            self.counts.updated += 1
            self.recount.add(conv_id)
            self.recount.add(old[1])
        self.writes.touched.add(conv_id)

    def _write(self, s: Session) -> None:
        inserts = self.writes.inserts
        if inserts and self.scope.postgresql:
            bulk.copy_rows(s, _MSG, inserts)
        elif inserts:
            s.execute(_MSG.insert(), inserts)
        update_by_id(s, _MSG, self.writes.updates)

    def _update_aggregates(self, s: Session) -> None:
        """Grown conversations: add to their counts; edited or adopting ones: count again."""
        c = _CONV.c
        by_id = {row.id: row for row in self.existing_convs.values()}
        rows: list[dict[str, Any]] = []
        for conv_id, (n, latest, hangul, latin) in self.grown.items():
            if conv_id in self.recount:
                continue
            old = by_id[conv_id]
            last = latest if old.last_message_at is None else max(old.last_message_at, latest)
            language = old.language or language_from_counts(hangul, latin)
            rows.append(
                {
                    "_id": conv_id,
                    "message_count": old.message_count + n,
                    "last_message_at": last,
                    "language": language,
                }
            )
        update_by_id(s, _CONV, rows)
        m_c = _MSG.c
        for chunk in chunks(sorted(self.recount)):
            s.execute(
                update(_CONV)
                .where(c.id.in_(chunk))
                .values(
                    message_count=select(func.count(m_c.id))
                    .where(m_c.conversation_id == c.id)
                    .scalar_subquery(),
                    last_message_at=select(func.max(m_c.sent_at))
                    .where(m_c.conversation_id == c.id)
                    .scalar_subquery(),
                )
            )
