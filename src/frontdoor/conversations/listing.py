"""Conversations: filtered, searchable, keyset-paginated lists and the detail view.

Search is a substring match on message text, case-insensitive, after Unicode NFC. Korean
has no spaces between a stem and its particles (``환불이``, ``환불을``), so word-based
full-text search misses what a user typed; a substring does not. Each whitespace-separated
term must occur in at least one message of the conversation.

- PostgreSQL: ``ILIKE '%term%'`` served by the ``pg_trgm`` GIN index on ``message.text``
  (migration 0002) for terms of three or more characters; shorter terms are checked on the
  candidate rows the other filters and the keyset walk produce.
- SQLite: the same query with ``LIKE`` (embedded scale, no index needed).

Lists are ordered newest first by ``(opened_at, id)`` and paginated by an opaque keyset
cursor, so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, text, tuple_
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Contact,
    Conversation,
    Message,
    Source,
    Tag,
    TagAssignment,
)

MAX_LIMIT = 200
MAX_TERMS = 5
MAX_TERM_CHARS = 100
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class ConversationFilters:
    """What to list. Every field is optional; empty filters list everything.

    ``tag_id`` matches the tag and its descendants (by path), confirmed assignments only
    unless ``include_suggested``; ``untagged`` means no confirmed tag at all. ``segment``
    and ``plan`` match the conversation's account (conversations without one never match).
    """

    q: str = ""
    tag_id: int | None = None
    dimension_id: int | None = None
    account_id: int | None = None
    source_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    language: str | None = None
    route: str | None = None
    channel: str | None = None
    untagged: bool = False
    include_suggested: bool = False
    segment: str | None = None
    plan: str | None = None

    def is_empty(self) -> bool:
        """Whether no filter is set."""
        return self == ConversationFilters()


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


@dataclass(frozen=True)
class AssignmentView:
    """An assignment with its tag, for the detail page and the API."""

    assignment: TagAssignment
    tag: Tag


@dataclass(frozen=True)
class ConversationDetail:
    """A conversation with everything the detail page shows."""

    conversation: Conversation
    source: Source
    account: Account | None
    contact: Contact | None
    messages: list[Message]
    assignments: list[AssignmentView]


def search_terms(q: str) -> list[str]:
    """Split a query into at most five NFC-normalized, bounded terms.

    Examples
    --------
    >>> search_terms("  환불   export ")
    ['환불', 'export']
    """
    q = unicodedata.normalize("NFC", q or "")
    terms = [t[:MAX_TERM_CHARS] for t in q.split() if t]
    return terms[:MAX_TERMS]


def _like_pattern(term: str) -> str:
    # Escape LIKE metacharacters so customer-typed % and _ match literally.
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _tag_ids_under(session: Session, *, workspace_id: int, tag_id: int) -> list[int]:
    tag = session.get(Tag, tag_id)
    if tag is None or tag.workspace_id != workspace_id:
        raise NotFound(f"no tag {tag_id}")
    prefix = _like_pattern(tag.path + "/")[1:]  # "path/%" with path's metacharacters escaped
    ids = session.scalars(
        select(Tag.id).where(
            Tag.workspace_id == workspace_id,
            or_(Tag.id == tag_id, Tag.path.like(prefix, escape="\\")),
        )
    )
    return list(ids)


def audience_accounts(*, workspace_id: int, filters: ConversationFilters) -> Select[Any] | None:
    """``SELECT account.id`` of the accounts the segment and plan filters allow (None: no such filter).

    Shared by the list and the insights aggregates so both read the filters the same way.
    """
    if not (filters.segment or filters.plan):
        return None
    accounts = select(Account.id).where(Account.workspace_id == workspace_id)
    if filters.segment:
        accounts = accounts.where(Account.segment == filters.segment)
    if filters.plan:
        accounts = accounts.where(Account.plan == filters.plan)
    return accounts


def filtered_query(session: Session, *, workspace_id: int, filters: ConversationFilters) -> Select[Any]:
    """``SELECT conversation.id`` with every filter applied (no order, no limit).

    Exposed so exports and counts reuse exactly the list's semantics.
    """
    f = filters
    query = select(Conversation.id).where(Conversation.workspace_id == workspace_id)
    if f.account_id is not None:
        query = query.where(Conversation.account_id == f.account_id)
    if f.source_id is not None:
        query = query.where(Conversation.source_id == f.source_id)
    if f.language:
        query = query.where(Conversation.language == f.language)
    if f.route:
        query = query.where(Conversation.route == f.route)
    if f.channel:
        query = query.where(Conversation.channel == f.channel)
    accounts = audience_accounts(workspace_id=workspace_id, filters=f)
    if accounts is not None:
        query = query.where(Conversation.account_id.in_(accounts))
    if f.since is not None:
        query = query.where(Conversation.opened_at >= _day_start(f.since))
    if f.until is not None:
        query = query.where(Conversation.opened_at < _day_start(f.until + dt.timedelta(days=1)))
    statuses = [AssignmentStatus.CONFIRMED]
    if f.include_suggested:
        statuses.append(AssignmentStatus.SUGGESTED)
    if f.tag_id is not None:
        tag_ids = _tag_ids_under(session, workspace_id=workspace_id, tag_id=f.tag_id)
        query = query.where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.workspace_id == workspace_id,
                TagAssignment.tag_id.in_(tag_ids),
                TagAssignment.status.in_(statuses),
            )
        )
    if f.dimension_id is not None:
        query = query.where(
            exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.status.in_(statuses),
                TagAssignment.tag_id.in_(
                    select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.dimension_id == f.dimension_id)
                ),
            )
        )
    if f.untagged:
        query = query.where(
            ~exists().where(
                TagAssignment.conversation_id == Conversation.id,
                TagAssignment.status == AssignmentStatus.CONFIRMED,
            )
        )
    for term in search_terms(f.q):
        query = query.where(
            exists().where(
                Message.conversation_id == Conversation.id,
                Message.text.ilike(_like_pattern(term), escape="\\"),
            )
        )
    return query


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


def get_conversation(session: Session, *, workspace_id: int, conversation_id: int) -> ConversationDetail:
    """A conversation of this workspace with its messages in order and its assignments.

    Raises
    ------
    NotFound
        No such conversation in this workspace (another workspace's id is not found either).
    """
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or conversation.workspace_id != workspace_id:
        raise NotFound(f"no conversation {conversation_id}")
    source = session.get(Source, conversation.source_id)
    assert source is not None  # foreign key
    account = session.get(Account, conversation.account_id) if conversation.account_id else None
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.workspace_id == workspace_id)
            .order_by(Message.sent_at, Message.id)
        )
    )
    assignments = [
        AssignmentView(assignment=a, tag=t)
        for a, t in session.execute(
            select(TagAssignment, Tag)
            .join(Tag, Tag.id == TagAssignment.tag_id)
            .where(
                TagAssignment.conversation_id == conversation.id, TagAssignment.workspace_id == workspace_id
            )
            .order_by(TagAssignment.status, Tag.path, TagAssignment.id)
        )
    ]
    return ConversationDetail(
        conversation=conversation,
        source=source,
        account=account,
        contact=contact,
        messages=messages,
        assignments=assignments,
    )


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


__all__ = [
    "AssignmentView",
    "ConversationDetail",
    "ConversationFilters",
    "ConversationPage",
    "ConversationRow",
    "TagChip",
    "audience_accounts",
    "decode_cursor",
    "encode_cursor",
    "filter_choices",
    "filtered_query",
    "get_conversation",
    "list_conversations",
    "search_terms",
]
