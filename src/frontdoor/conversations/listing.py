"""The conversation list: filtered, searchable, keyset-paginated rows.

What a filter means is :mod:`frontdoor.conversations.filters`. Lists are ordered newest
first by ``(opened_at, id)`` and paginated by an opaque keyset cursor, so page 1,000 costs
what page 1 costs. Each row carries its first customer message as the snippet and its tag
chips.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select, text, tuple_
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from frontdoor.conversations.filters import ConversationFilters, filtered_query, search_terms
from frontdoor.core.errors import ValidationError
from frontdoor.models import Account, AssignmentStatus, Conversation, Message, Source, Tag, TagAssignment

MAX_LIMIT = 200
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class TagChip:
    """A tag as shown next to a conversation."""

    tag_id: int
    path: str
    name_ko: str
    name_en: str
    status: str


@dataclass(frozen=True)
class ConversationRow:
    """One line of the conversation list."""

    id: int
    subject: str
    channel: str
    status: str
    opened_at: dt.datetime
    language: str | None
    route: str | None
    message_count: int
    account_id: int | None
    account_name: str | None
    source_id: int
    source_name: str
    snippet: str
    tags: list[TagChip] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationPage:
    """A page of rows and the cursor of the next page (``None`` on the last page)."""

    rows: list[ConversationRow]
    next_cursor: str | None


def encode_cursor(opened_at: dt.datetime, conversation_id: int) -> str:
    """The opaque cursor that continues a list after this row."""
    raw = f"{opened_at.astimezone(dt.UTC).isoformat()}|{conversation_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """Inverse of :func:`encode_cursor`.

    Raises
    ------
    ValidationError
        When the cursor was not made by :func:`encode_cursor`.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        opened_at = dt.datetime.fromisoformat(stamp)
        if opened_at.tzinfo is None:
            raise ValueError("naive")
        return opened_at, int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("cursor: not a valid page cursor") from None


def list_conversations(
    session: Session,
    *,
    workspace_id: int,
    filters: ConversationFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> ConversationPage:
    """One page of conversations, newest first.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id : int
        Only this workspace's conversations are listed.
    filters : ConversationFilters, optional
        What to list.
    cursor : str, optional
        ``next_cursor`` of the previous page.
    limit : int
        Rows per page, 1 to 200.

    Raises
    ------
    ValidationError
        Bad cursor or limit.
    NotFound
        ``filters.tag_id`` is not a tag of this workspace.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit: must be between 1 and {MAX_LIMIT}")
    filters = filters or ConversationFilters()
    ids_query = filtered_query(session, workspace_id=workspace_id, filters=filters)
    query = ids_query.add_columns(Conversation.opened_at)
    if cursor:
        opened_at, last_id = decode_cursor(cursor)
        query = query.where(tuple_(Conversation.opened_at, Conversation.id) < tuple_(opened_at, last_id))
    query = query.order_by(Conversation.opened_at.desc(), Conversation.id.desc()).limit(limit + 1)
    keys = _run_bounded(session, query, bounded=bool(search_terms(filters.q)))
    more = len(keys) > limit
    keys = keys[:limit]
    rows = _rows(session, workspace_id=workspace_id, ids=[k[0] for k in keys])
    next_cursor = encode_cursor(keys[-1][1], keys[-1][0]) if more and keys else None
    return ConversationPage(rows=rows, next_cursor=next_cursor)


#: On PostgreSQL a search gives up after this long instead of holding a connection: a term
#: of one or two characters cannot use the trigram index, and when it matches almost
#: nothing, finding a page means reading every message of the workspace.
SEARCH_TIMEOUT_MS = 5000


def _run_bounded(session: Session, query: Select[Any], *, bounded: bool) -> list[Any]:
    if not bounded or session.get_bind().dialect.name != "postgresql":
        return list(session.execute(query).all())
    try:
        # A savepoint keeps the request's transaction usable if the statement is cancelled.
        with session.begin_nested():
            session.execute(text(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_MS)}"))
            rows = list(session.execute(query).all())
            session.execute(text("SET LOCAL statement_timeout = DEFAULT"))
            return rows
    except OperationalError as exc:
        if "statement timeout" not in str(exc) and "canceling statement" not in str(exc):
            raise
        raise ValidationError(
            "q: this search is too broad to finish in time; add a filter (dates, tag, account) "
            "or search for a longer term (3 or more characters)"
        ) from None


def _rows(session: Session, *, workspace_id: int, ids: list[int]) -> list[ConversationRow]:
    if not ids:
        return []
    records = session.execute(
        select(Conversation, Account.name, Source.name)
        .join(Source, Source.id == Conversation.source_id)
        .outerjoin(Account, Account.id == Conversation.account_id)
        .where(Conversation.id.in_(ids), Conversation.workspace_id == workspace_id)
    ).all()
    by_id = {c.id: (c, account_name, source_name) for c, account_name, source_name in records}
    snippets = _snippets(session, ids)
    chips = _chips(session, ids)
    rows: list[ConversationRow] = []
    for conversation_id in ids:
        if conversation_id not in by_id:
            continue
        c, account_name, source_name = by_id[conversation_id]
        snippet = snippets.get(conversation_id, "")
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[:SNIPPET_CHARS] + "…"
        rows.append(
            ConversationRow(
                id=c.id,
                subject=c.subject,
                channel=str(c.channel),
                status=str(c.status),
                opened_at=c.opened_at,
                language=c.language,
                route=c.route,
                message_count=c.message_count,
                account_id=c.account_id,
                account_name=account_name,
                source_id=c.source_id,
                source_name=source_name,
                snippet=snippet,
                tags=chips.get(conversation_id, []),
            )
        )
    return rows


def _snippets(session: Session, ids: list[int]) -> dict[int, str]:
    """Each conversation's first customer message (else its first message), cut one past the limit."""
    # The first customer message is the snippet: what the customer actually said.
    first_ids = (
        select(func.min(Message.id)).where(Message.conversation_id.in_(ids)).group_by(Message.conversation_id)
    )
    first_customer = (
        select(func.min(Message.id))
        .where(
            Message.conversation_id.in_(ids),
            Message.author_kind == "customer",
            Message.is_internal.is_(False),
        )
        .group_by(Message.conversation_id)
    )
    snippets: dict[int, str] = {}
    for conversation_id, snippet_text in session.execute(
        select(Message.conversation_id, func.substr(Message.text, 1, SNIPPET_CHARS + 1)).where(
            Message.id.in_(first_customer)
        )
    ):
        snippets[conversation_id] = snippet_text
    missing = [i for i in ids if i not in snippets]
    if missing:
        for conversation_id, snippet_text in session.execute(
            select(Message.conversation_id, func.substr(Message.text, 1, SNIPPET_CHARS + 1)).where(
                Message.id.in_(first_ids), Message.conversation_id.in_(missing)
            )
        ):
            snippets[conversation_id] = snippet_text
    return snippets


def _chips(session: Session, ids: list[int]) -> dict[int, list[TagChip]]:
    """The whole-conversation tags (confirmed and suggested) of each conversation, by path."""
    chips: dict[int, list[TagChip]] = defaultdict(list)
    for conversation_id, status, tag in session.execute(
        select(TagAssignment.conversation_id, TagAssignment.status, Tag)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(
            TagAssignment.conversation_id.in_(ids),
            TagAssignment.status != AssignmentStatus.REJECTED,
            TagAssignment.scope == "",
        )
        .order_by(Tag.path)
    ):
        chips[conversation_id].append(
            TagChip(
                tag_id=tag.id, path=tag.path, name_ko=tag.name_ko, name_en=tag.name_en, status=str(status)
            )
        )
    return chips


def filter_choices(session: Session, *, workspace_id: int) -> dict[str, list[str]]:
    """Distinct languages and routes present in the workspace, for filter menus.

    Reads the newest 5,000 conversations (an index range), so it stays fast at any size.
    """
    recent = (
        select(Conversation.language, Conversation.route)
        .where(Conversation.workspace_id == workspace_id)
        .order_by(Conversation.opened_at.desc())
        .limit(5000)
        .subquery()
    )
    languages = session.scalars(select(recent.c.language).where(recent.c.language.is_not(None)).distinct())
    routes = session.scalars(select(recent.c.route).where(recent.c.route.is_not(None)).distinct())
    return {
        "routes": sorted(r for r in routes if r),
        "languages": sorted({lang for lang in languages if lang} | {"ko", "en"}),
    }
