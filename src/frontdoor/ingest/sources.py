"""Sources: one configured channel each (an adapter ``kind`` plus its settings)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.models import Source

__all__ = [
    "find_source",
    "get_or_create_source",
    "list_sources",
]

_MAX_NAME = 200


def get_or_create_source(
    session: Session,
    *,
    workspace_id: int,
    kind: str,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Source:
    """Return the source named ``name`` (default: ``kind``), creating it if missing.

    Parameters
    ----------
    session : Session
        Open session; flushed, not committed.
    workspace_id : int
        Owning workspace.
    kind : str
        Adapter kind (``csv``, ``channeltalk`` ...).
    name : str, optional
        Source name, unique in the workspace; defaults to ``kind``.
    settings : dict, optional
        Settings for a newly created source (an existing one keeps its own).

    Raises
    ------
    ValidationError
        When a source of that name exists with a different kind, or the name is empty
        or too long.
    """
    name = (name or kind).strip()
    if not name or len(name) > _MAX_NAME:
        raise ValidationError(f"source name must be 1-{_MAX_NAME} characters")
    if not kind or len(kind) > 32:
        raise ValidationError("source kind must be 1-32 characters")
    existing = find_source(session, workspace_id=workspace_id, name=name)
    if existing is None:
        # A savepoint so a concurrent creator of the same name costs a re-select, not the
        # caller's transaction.
        try:
            with session.begin_nested():
                existing = Source(workspace_id=workspace_id, kind=kind, name=name, settings=settings or {})
                session.add(existing)
        except IntegrityError:
            existing = find_source(session, workspace_id=workspace_id, name=name)
            if existing is None:
                raise
    if existing.kind != kind:
        raise ValidationError(f"source {name!r} is a {existing.kind} source, not {kind}")
    return existing


def find_source(session: Session, *, workspace_id: int, name: str) -> Source | None:
    """The source named ``name`` in the workspace, or ``None``."""
    return session.scalar(select(Source).where(Source.workspace_id == workspace_id, Source.name == name))


def list_sources(session: Session, *, workspace_id: int, kind: str | None = None) -> list[Source]:
    """Sources of the workspace (optionally of one kind), by name."""
    query = select(Source).where(Source.workspace_id == workspace_id)
    if kind is not None:
        query = query.where(Source.kind == kind)
    return list(session.scalars(query.order_by(Source.name)))
