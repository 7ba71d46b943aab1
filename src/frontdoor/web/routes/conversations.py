"""Conversation list (filters, search, keyset pages) and detail (tags, quotes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from frontdoor.errors import ValidationError
from frontdoor.models import Account, Source, TagDimension
from frontdoor.services.conversations import (
    ConversationFilters,
    filter_choices,
    get_conversation,
    list_conversations,
)
from frontdoor.services.permissions import Action, can
from frontdoor.services.tag_views import active_tags, add_assignment, decide_assignment
from frontdoor.web.cache import tags_changed
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(f"date: {str(value)[:20]!r} is not YYYY-MM-DD") from None


def filters_from(params: dict[str, str]) -> ConversationFilters:
    """Build filters from query parameters (shared by the page and its links)."""
    return ConversationFilters(
        q=params.get("q", "")[:500],
        tag_id=_int(params.get("tag")),
        dimension_id=_int(params.get("dimension")),
        account_id=_int(params.get("account")),
        source_id=_int(params.get("source")),
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        language=params.get("language") or None,
        route=params.get("route") or None,
        untagged=params.get("untagged") == "1",
        include_suggested=params.get("suggested") == "1",
    )


@router.get("/conversations", include_in_schema=False)
def conversation_list(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The list with filters and search."""
    params = dict(request.query_params)
    filters = filters_from(params)
    page = list_conversations(
        session,
        workspace_id=user.workspace_id,
        filters=filters,
        cursor=params.get("cursor") or None,
        limit=50,
    )
    ws = user.workspace_id
    next_params = {k: v for k, v in params.items() if k != "cursor" and v}
    ctx = {
        "page": page,
        "params": params,
        "next_params": next_params,
        "tags": active_tags(session, workspace_id=ws),
        "dimensions": list(session.scalars(select(TagDimension).where(TagDimension.workspace_id == ws))),
        "sources": list(
            session.scalars(select(Source).where(Source.workspace_id == ws).order_by(Source.name))
        ),
        "accounts": list(
            session.scalars(
                select(Account).where(Account.workspace_id == ws).order_by(Account.name).limit(300)
            )
        ),
        "choices": filter_choices(session, workspace_id=ws),
    }
    return render(request, "conversations.html", ctx, user=user)


@router.get("/conversations/{conversation_id}", include_in_schema=False)
def conversation_detail(
    request: Request, conversation_id: int, session: SessionDep, user: CurrentUser
) -> Response:
    """Messages in order with their tags, suggestions and quotes."""
    detail = get_conversation(session, workspace_id=user.workspace_id, conversation_id=conversation_id)
    ctx = {
        "d": detail,
        "tags": active_tags(session, workspace_id=user.workspace_id),
        "can_tag": can(user, Action.TAG),
    }
    return render(request, "conversation.html", ctx, user=user)


@router.post("/conversations/{conversation_id}/assignments/{assignment_id}", dependencies=[CsrfChecked])
def decide(
    request: Request,
    conversation_id: int,
    assignment_id: int,
    session: SessionDep,
    user: CurrentUser,
    decision: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    """Confirm or reject one assignment (one click)."""
    decide_assignment(
        session,
        workspace_id=user.workspace_id,
        assignment_id=assignment_id,
        user=user,
        confirm=decision == "confirm",
    )
    tags_changed(request, user.workspace_id, session)
    target = "/taxonomy/review" if back == "review" else f"/conversations/{conversation_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/conversations/{conversation_id}/tags", dependencies=[CsrfChecked])
def add_tag(
    request: Request,
    conversation_id: int,
    session: SessionDep,
    user: CurrentUser,
    tag_id: Annotated[int, Form()],
    message_id: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    """Add a tag to the conversation, or to a quote when a message span is given."""
    mid, s, e = _int(message_id), _int(start), _int(end)
    add_assignment(
        session,
        workspace_id=user.workspace_id,
        conversation_id=conversation_id,
        tag_id=tag_id,
        user=user,
        message_id=mid,
        span=(s, e) if mid is not None and s is not None and e is not None else None,
    )
    tags_changed(request, user.workspace_id, session)
    return RedirectResponse(f"/conversations/{conversation_id}", status_code=303)
