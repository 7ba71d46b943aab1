"""GET/POST /assignments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from frontdoor.core.errors import NotFound
from frontdoor.models import AssignmentStatus, Conversation, Tag, TagAssignment, User
from frontdoor.tagging.taxonomy.views import add_assignment
from frontdoor.web.api.deps import ReadToken, WriteToken
from frontdoor.web.api.schemas import AssignmentCreate, AssignmentPublic
from frontdoor.web.cache import tags_changed
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["assignments"])


@router.get("/assignments", response_model=list[AssignmentPublic])
def assignments(
    session: SessionDep,
    token: ReadToken,
    conversation_id: int | None = None,
    tag_id: int | None = None,
    status: AssignmentStatus | None = None,
    after_id: Annotated[int, Query(ge=0, description="return ids greater than this (paging)")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AssignmentPublic]:
    """Assignments in id order; page with ``after_id`` = the last id you got."""
    ws = token.workspace_id
    query = (
        select(TagAssignment, Tag.path)
        .join(Tag, Tag.id == TagAssignment.tag_id)
        .where(TagAssignment.workspace_id == ws, TagAssignment.id > after_id)
    )
    if conversation_id is not None:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or conversation.workspace_id != ws:
            raise NotFound(f"no conversation {conversation_id}")
        query = query.where(TagAssignment.conversation_id == conversation_id)
    if tag_id is not None:
        query = query.where(TagAssignment.tag_id == tag_id)
    if status is not None:
        query = query.where(TagAssignment.status == status)
    rows = session.execute(query.order_by(TagAssignment.id).limit(limit))
    return [AssignmentPublic.model_validate(a).model_copy(update={"tag_path": path}) for a, path in rows]


@router.post("/assignments", response_model=AssignmentPublic, status_code=201)
def create_assignment(
    request: Request, body: AssignmentCreate, session: SessionDep, token: WriteToken
) -> AssignmentPublic:
    """Tag a conversation (or a quote) as a confirmed human decision by the token's user."""
    user = session.get(User, token.user_id) if token.user_id else None
    span = None
    if body.span_start is not None and body.span_end is not None:
        span = (body.span_start, body.span_end)
    row = add_assignment(
        session,
        workspace_id=token.workspace_id,
        conversation_id=body.conversation_id,
        tag_id=body.tag_id,
        user=user,
        message_id=body.message_id,
        span=span,
    )
    tags_changed(request, token.workspace_id, session)
    tag = session.get(Tag, row.tag_id)
    return AssignmentPublic.model_validate(row).model_copy(update={"tag_path": tag.path if tag else ""})
