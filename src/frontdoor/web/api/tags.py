"""GET /tags: the taxonomy."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from frontdoor.models import Tag
from frontdoor.web.api.deps import ReadToken
from frontdoor.web.api.schemas import TagPublic
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["tags"])


@router.get("/tags", response_model=list[TagPublic])
def tags(session: SessionDep, token: ReadToken) -> list[TagPublic]:
    """Every tag of the workspace by path (merged and retired ones included, with status)."""
    rows = session.scalars(select(Tag).where(Tag.workspace_id == token.workspace_id).order_by(Tag.path))
    return [TagPublic.model_validate(t) for t in rows]
