"""Workspace members: change a role, deactivate, pick a language."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, ValidationError
from frontdoor.models import Role, User
from frontdoor.workspace.permissions import parse_role
from frontdoor.workspace.users import get_user


def _active_admins(session: Session, *, workspace_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.workspace_id == workspace_id, User.role == Role.ADMIN, User.is_active.is_(True))
        )
        or 0
    )


def update_member(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    role: Role | str | None = None,
    is_active: bool | None = None,
) -> User:
    """Change a member's role or active flag.

    Raises
    ------
    NotFound
        No such user in this workspace.
    ValidationError
        Unknown role.
    Conflict
        The change would leave the workspace without an active admin.
    """
    user = get_user(session, workspace_id=workspace_id, user_id=user_id)
    new_role = user.role
    if role is not None:
        new_role = parse_role(role)
    new_active = user.is_active if is_active is None else is_active
    losing_admin = user.role == Role.ADMIN and user.is_active and (new_role != Role.ADMIN or not new_active)
    if losing_admin and _active_admins(session, workspace_id=workspace_id) <= 1:
        raise Conflict("the workspace needs at least one active admin")
    user.role = new_role
    user.is_active = new_active
    session.flush()
    return user


def set_language(session: Session, *, user: User, language: str) -> None:
    """Set the UI language of ``user`` (``ko`` or ``en``).

    Raises
    ------
    ValidationError
        Anything else.
    """
    if language not in ("ko", "en"):
        raise ValidationError("language: must be ko or en")
    user.language = language
    session.flush()
