"""The customers' own words behind a roadmap item, grouped by account, newest first.

Quotes are customer messages (``author_kind = customer``, not internal notes) of the
conversations the item's demand counts, verbatim; when a tag was put on a quote (a span
of one message), the span is the quote. Agent and bot text never appears.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, select, tuple_
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters, counted_statuses, filtered_query
from frontdoor.conversations.listing import decode_cursor, encode_cursor
from frontdoor.core.errors import ValidationError
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    Message,
    RoadmapItem,
    TagAssignment,
)
from frontdoor.roadmap.items import get_item, item_tag_ids

#: A quote longer than this is cut (with "…"): the page and the export stay readable.
QUOTE_CHARS = 2000
MAX_QUOTE_CONVERSATIONS = 200


@dataclass(frozen=True)
class Quote:
    """A customer's words, verbatim (cut at :data:`QUOTE_CHARS` with ``truncated`` set)."""

    conversation_id: int
    message_id: int
    sent_at: dt.datetime
    text: str
    truncated: bool
    author_name: str
    subject: str


@dataclass(frozen=True)
class AccountQuotes:
    """The quotes of one account (or of conversations without one), newest first."""

    account_id: int | None
    name: str | None
    plan: str | None
    segment: str | None
    arr: int | None
    currency: str | None
    seats: int | None
    latest: dt.datetime
    quotes: list[Quote]


@dataclass(frozen=True)
class ItemQuotes:
    """A page of an item's quotes grouped by account, and the cursor of the next page."""

    item: RoadmapItem
    groups: list[AccountQuotes]
    conversations: int
    next_cursor: str | None


def _cut(text: str) -> tuple[str, bool]:
    if len(text) > QUOTE_CHARS:
        return text[:QUOTE_CHARS] + "…", True
    return text, False


def item_quotes(
    session: Session,
    *,
    workspace_id: int,
    item_id: int,
    filters: ConversationFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> ItemQuotes:
    """The customers' own words behind an item, grouped by account, newest first.

    Conversations are those the list shows for the item's tags (confirmed assignments of a
    linked tag or a descendant) and ``filters``, walked newest first by ``(opened_at, id)``
    in pages of ``limit`` (at most 200). Within a page, accounts are ordered by their
    newest conversation and quotes newest first.

    Raises
    ------
    NotFound
        Unknown item.
    ValidationError
        Bad cursor or limit.
    """
    if not 1 <= limit <= MAX_QUOTE_CONVERSATIONS:
        raise ValidationError(f"limit: must be between 1 and {MAX_QUOTE_CONVERSATIONS}")
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    tag_ids = item_tag_ids(session, workspace_id=workspace_id, item=item)
    if not tag_ids:
        return ItemQuotes(item=item, groups=[], conversations=0, next_cursor=None)
    f = filters or ConversationFilters()
    statuses = counted_statuses(f)
    ids, next_cursor = _page(session, workspace_id, tag_ids, f, cursor, limit)
    if not ids:
        return ItemQuotes(item=item, groups=[], conversations=0, next_cursor=None)
    conversations = {
        c.id: (c, a)
        for c, a in session.execute(
            select(Conversation, Account)
            .outerjoin(Account, Account.id == Conversation.account_id)
            .where(Conversation.id.in_(ids))
        )
    }
    spans = _quote_spans(session, ids, tag_ids, statuses)
    quotes = _quotes(session, workspace_id, ids, spans, {c: conv for c, (conv, _) in conversations.items()})
    groups: dict[int | None, AccountQuotes] = {}
    for conversation_id in ids:  # newest conversation first
        conversation, account = conversations[conversation_id]
        key = account.id if account else None
        if key not in groups:
            groups[key] = AccountQuotes(
                account_id=key,
                name=account.name if account else None,
                plan=account.plan if account else None,
                segment=account.segment if account else None,
                arr=account.arr if account else None,
                currency=account.currency if account else None,
                seats=account.seats if account else None,
                latest=conversation.opened_at,
                quotes=[],
            )
        groups[key].quotes.extend(quotes.get(conversation_id, []))
    for group in groups.values():
        group.quotes.sort(key=lambda q: (q.sent_at, q.message_id), reverse=True)
    return ItemQuotes(
        item=item, groups=list(groups.values()), conversations=len(ids), next_cursor=next_cursor
    )


def _page(
    session: Session,
    workspace_id: int,
    tag_ids: list[int],
    filters: ConversationFilters,
    cursor: str | None,
    limit: int,
) -> tuple[list[int], str | None]:
    """One page of the item's conversations (ids newest first) and the next page's cursor."""
    query = (
        filtered_query(session, workspace_id=workspace_id, filters=filters)
        .add_columns(Conversation.opened_at)
        .where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.tag_id.in_(tag_ids),
                TagAssignment.status.in_(counted_statuses(filters)),
            )
        )
    )
    if cursor:
        opened_at, last_id = decode_cursor(cursor)
        query = query.where(tuple_(Conversation.opened_at, Conversation.id) < tuple_(opened_at, last_id))
    keys = list(
        session.execute(
            query.order_by(Conversation.opened_at.desc(), Conversation.id.desc()).limit(limit + 1)
        )
    )
    more = len(keys) > limit
    keys = keys[:limit]
    next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if more and keys else None
    return [k[0] for k in keys], next_cursor


Span = tuple[int | None, int | None, int | None]


def _quote_spans(
    session: Session, ids: list[int], tag_ids: list[int], statuses: list[AssignmentStatus]
) -> dict[int, list[Span]]:
    """Per conversation, the ``(message, start, end)`` spans a tag of the item was put on."""
    spans: dict[int, list[Span]] = defaultdict(list)
    for conversation_id, message_id, start, end in session.execute(
        select(
            TagAssignment.conversation_id,
            TagAssignment.message_id,
            TagAssignment.span_start,
            TagAssignment.span_end,
        )
        .where(
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.tag_id.in_(tag_ids),
            TagAssignment.status.in_(statuses),
            TagAssignment.message_id.is_not(None),
        )
        .order_by(TagAssignment.id)
    ):
        spans[conversation_id].append((message_id, start, end))
    return spans


def _quotes(
    session: Session,
    workspace_id: int,
    ids: list[int],
    spans: dict[int, list[Span]],
    conversations: dict[int, Conversation],
) -> dict[int, list[Quote]]:
    """Per conversation, its quotes: the tagged spans, else every customer message."""
    quotes: dict[int, list[Quote]] = defaultdict(list)
    for message, contact_name in session.execute(
        select(Message, Contact.name)
        .outerjoin(Contact, Contact.id == Message.contact_id)
        .where(
            Message.conversation_id.in_(ids),
            Message.workspace_id == workspace_id,
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .order_by(Message.sent_at.desc(), Message.id.desc())
    ):
        conversation = conversations[message.conversation_id]
        # A tag put on a quote (a span of one message) makes that span the quote.
        chosen = spans.get(message.conversation_id)
        if chosen:
            for m, s, e in chosen:
                if m == message.id:
                    text, cut = _cut(message.text[(s or 0) : e])
                    quotes[message.conversation_id].append(
                        _quote(conversation, message, text, cut, contact_name)
                    )
            continue
        text, cut = _cut(message.text)
        quotes[message.conversation_id].append(_quote(conversation, message, text, cut, contact_name))
    return quotes


def _quote(
    conversation: Conversation, message: Message, text: str, cut: bool, contact_name: str | None
) -> Quote:
    return Quote(
        conversation_id=conversation.id,
        message_id=message.id,
        sent_at=message.sent_at,
        text=text,
        truncated=cut,
        author_name=message.author_name or contact_name or "",
        subject=conversation.subject,
    )
