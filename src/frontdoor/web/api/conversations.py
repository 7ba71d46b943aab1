"""GET /conversations (filters, keyset pages) and GET /conversations/{id}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from frontdoor.conversations.detail import get_conversation
from frontdoor.conversations.filters import ConversationFilters
from frontdoor.conversations.listing import list_conversations
from frontdoor.web.api.deps import ReadToken
from frontdoor.web.api.schemas import (
    AssignmentPublic,
    ConversationList,
    ConversationPublic,
    ConversationSummary,
    MessagePublic,
)
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["conversations"])


@router.get("/conversations", response_model=ConversationList)
def conversations(
    session: SessionDep,
    token: ReadToken,
    q: Annotated[str, Query(max_length=500, description="substring search in message text")] = "",
    tag_id: int | None = None,
    dimension_id: int | None = None,
    account_id: int | None = None,
    source_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    route: Annotated[str | None, Query(max_length=64)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    segment: Annotated[str | None, Query(max_length=64, description="the account's segment")] = None,
    plan: Annotated[str | None, Query(max_length=64, description="the account's plan")] = None,
    untagged: bool = False,
    include_suggested: bool = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ConversationList:
    """Conversations newest first, filtered; follow ``next_cursor`` for more."""
    filters = ConversationFilters(
        q=q,
        tag_id=tag_id,
        dimension_id=dimension_id,
        account_id=account_id,
        source_id=source_id,
        since=since,
        until=until,
        language=language,
        route=route,
        channel=channel or None,
        segment=segment or None,
        plan=plan or None,
        untagged=untagged,
        include_suggested=include_suggested,
    )
    page = list_conversations(
        session, workspace_id=token.workspace_id, filters=filters, cursor=cursor, limit=limit
    )
    items = [
        ConversationSummary(
            id=r.id,
            subject=r.subject,
            channel=r.channel,
            status=r.status,
            opened_at=r.opened_at,
            language=r.language,
            route=r.route,
            message_count=r.message_count,
            account_id=r.account_id,
            source_id=r.source_id,
            snippet=r.snippet,
            tags=[c.path for c in r.tags if c.status == "confirmed"],
        )
        for r in page.rows
    ]
    return ConversationList(items=items, next_cursor=page.next_cursor)


@router.get("/conversations/{conversation_id}", response_model=ConversationPublic)
def conversation(conversation_id: int, session: SessionDep, token: ReadToken) -> ConversationPublic:
    """One conversation with messages in order and every assignment."""
    d = get_conversation(session, workspace_id=token.workspace_id, conversation_id=conversation_id)
    c = d.conversation
    return ConversationPublic(
        id=c.id,
        external_id=c.external_id,
        source_id=c.source_id,
        account_id=c.account_id,
        contact_id=c.contact_id,
        channel=str(c.channel),
        subject=c.subject,
        status=str(c.status),
        opened_at=c.opened_at,
        closed_at=c.closed_at,
        language=c.language,
        route=c.route,
        messages=[MessagePublic.model_validate(m) for m in d.messages],
        assignments=[
            AssignmentPublic.model_validate(a.assignment).model_copy(update={"tag_path": a.tag.path})
            for a in d.assignments
        ],
    )
