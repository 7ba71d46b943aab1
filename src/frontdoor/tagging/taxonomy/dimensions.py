"""Taxonomy dimensions: the roots of the tag tree (``area``, ``type``, ``sentiment``, ...)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, NotFound
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import TagDimension, User
from frontdoor.tagging.taxonomy.validation import check_editor, clean_dimension_key


def create_dimension(
    session: Session,
    *,
    workspace_id: int,
    key: str,
    name_ko: str = "",
    name_en: str = "",
    multi_label: bool = False,
    position: int | None = None,
    user: User | None = None,
) -> TagDimension:
    """Create a dimension (e.g. ``area``, ``type``, ``sentiment``).

    Raises
    ------
    Conflict
        When the key exists in the workspace.
    """
    check_editor(user)
    key = clean_dimension_key(key)
    if get_dimension(session, workspace_id=workspace_id, key=key, missing_ok=True) is not None:
        raise Conflict(f"dimension {key!r} already exists")
    if position is None:
        position = (
            session.scalar(
                select(func.coalesce(func.max(TagDimension.position), -1)).where(
                    TagDimension.workspace_id == workspace_id
                )
            )
            or 0
        ) + 1
    dim = TagDimension(
        workspace_id=workspace_id,
        key=key,
        name_ko=normalize_text(name_ko)[:200],
        name_en=normalize_text(name_en)[:200],
        multi_label=bool(multi_label),
        position=int(position),
    )
    session.add(dim)
    session.flush()
    return dim


def get_dimension(
    session: Session, *, workspace_id: int, key: str, missing_ok: bool = False
) -> TagDimension | None:
    """The dimension with ``key`` (``None`` when missing and ``missing_ok``).

    Raises
    ------
    NotFound
        When it does not exist and ``missing_ok`` is false.
    """
    dim = session.scalar(
        select(TagDimension).where(
            TagDimension.workspace_id == workspace_id, TagDimension.key == normalize_text(key).strip()
        )
    )
    if dim is None and not missing_ok:
        raise NotFound(f"no dimension {key!r}")
    return dim


def list_dimensions(session: Session, *, workspace_id: int) -> list[TagDimension]:
    """The workspace's dimensions in display order."""
    return list(
        session.scalars(
            select(TagDimension)
            .where(TagDimension.workspace_id == workspace_id)
            .order_by(TagDimension.position, TagDimension.id)
        )
    )
