"""Invitations: an admin invites a teammate by email with a role; the link is single-use."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict, NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Invitation, Role, User
from frontdoor.workspace.permissions import parse_role
from frontdoor.workspace.users import MIN_PASSWORD, create_user, login_email

DEFAULT_TTL = dt.timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    session: Session,
    *,
    workspace_id: int,
    email: str,
    role: Role | str,
    invited_by_id: int | None,
    ttl: dt.timedelta = DEFAULT_TTL,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with the clear token for the link (shown once).

    Raises
    ------
    ValidationError
        Bad email or role.
    Conflict
        The email is already a member of the workspace.
    """
    email = login_email(email)
    role = parse_role(role)
    member = session.scalar(select(User.id).where(User.workspace_id == workspace_id, User.email == email))
    if member is not None:
        raise Conflict(f"{email} is already a member of this workspace")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace_id=workspace_id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=invited_by_id,
        expires_at=utcnow() + ttl,
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def find_invitation(session: Session, *, token: str) -> Invitation:
    """The open invitation for ``token``.

    Raises
    ------
    NotFound
        Unknown, used, revoked or expired token (one message: the link does not work).
    """
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token[:200])))
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= utcnow()
    ):
        raise NotFound("this invitation link is invalid, used or expired")
    return invitation


def accept_invitation(
    session: Session, *, token: str, name: str, password: str, language: str = "ko"
) -> User:
    """Create the invited user and use up the invitation.

    The invitation is claimed with a conditional UPDATE, so two concurrent submissions of
    the same link cannot both create a user.

    Raises
    ------
    NotFound
        The link is invalid, used or expired.
    ValidationError
        Password too short or bad language.
    """
    invitation = find_invitation(session, token=token)
    # Check the input before claiming the link, so a typo does not burn it.
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"password: at least {MIN_PASSWORD} characters")
    if language not in ("ko", "en"):
        raise ValidationError("language: must be ko or en")
    now = utcnow()
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("this invitation link is invalid, used or expired")
    user = create_user(
        session,
        workspace_id=invitation.workspace_id,
        email=invitation.email,
        role=invitation.role,
        password=password,
        name=name.strip()[:200],
        language=language,
    )
    session.refresh(invitation)
    invitation.accepted_user_id = user.id
    session.flush()
    return user


def list_invitations(session: Session, *, workspace_id: int) -> list[Invitation]:
    """The workspace's invitations, newest first."""
    return list(
        session.scalars(
            select(Invitation).where(Invitation.workspace_id == workspace_id).order_by(Invitation.id.desc())
        )
    )


def revoke_invitation(session: Session, *, workspace_id: int, invitation_id: int) -> Invitation:
    """Revoke an open invitation of this workspace.

    Raises
    ------
    NotFound
        No such invitation in this workspace.
    """
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.workspace_id != workspace_id:
        raise NotFound(f"no invitation {invitation_id}")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
        session.flush()
    return invitation
