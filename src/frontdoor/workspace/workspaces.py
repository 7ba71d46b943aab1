"""Workspaces: create and look up tenants."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, NotFound, ValidationError
from frontdoor.models import Workspace

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def create_workspace(session: Session, *, slug: str, name: str, default_language: str = "ko") -> Workspace:
    """Create a workspace.

    Raises
    ------
    ValidationError
        When the slug is not lowercase letters, digits and dashes.
    Conflict
        When the slug is taken.
    """
    if not _SLUG.match(slug):
        raise ValidationError(f"workspace slug {slug!r} must be lowercase letters, digits and dashes")
    if default_language not in ("ko", "en"):
        raise ValidationError("default_language must be ko or en")
    if session.scalar(select(Workspace.id).where(Workspace.slug == slug)) is not None:
        raise Conflict(f"workspace {slug!r} already exists")
    ws = Workspace(slug=slug, name=name or slug, default_language=default_language, settings={})
    session.add(ws)
    session.flush()
    return ws


def get_workspace(session: Session, *, slug: str) -> Workspace:
    """Return the workspace with ``slug`` or raise :class:`NotFound`."""
    ws = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if ws is None:
        raise NotFound(f"no workspace {slug!r}; create one with `frontdoor init`")
    return ws


def list_workspaces(session: Session) -> list[Workspace]:
    """All workspaces, oldest first."""
    return list(session.scalars(select(Workspace).order_by(Workspace.id)))


def default_workspace(session: Session, *, slug: str | None = None) -> Workspace:
    """The workspace a command should act on: ``slug`` if given, else the only one.

    Raises
    ------
    NotFound
        When there is none, or several and no slug was given.
    """
    if slug:
        return get_workspace(session, slug=slug)
    spaces = list_workspaces(session)
    if not spaces:
        raise NotFound("no workspace yet; create one with `frontdoor init` or `frontdoor demo`")
    if len(spaces) > 1:
        names = ", ".join(ws.slug for ws in spaces)
        raise NotFound(f"several workspaces ({names}); choose one with --workspace")
    return spaces[0]
