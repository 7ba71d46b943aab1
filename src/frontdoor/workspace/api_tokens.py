"""API tokens: created once in the clear, stored as a SHA-256 hash, scoped, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import AuthenticationError, NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import ApiToken, User

#: Scopes a token may carry. ``admin`` implies every other scope.
SCOPES: tuple[str, ...] = ("read", "write", "ingest", "admin")
PREFIX = "fd_"
# Touch last_used_at at most once a minute: a busy integration must not write on every call.
_TOUCH_EVERY = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    """The stored form of a token (hex SHA-256; tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    result = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in result if s not in SCOPES]
    if unknown or not result:
        raise ValidationError(f"scopes: choose from {', '.join(SCOPES)} (got {', '.join(unknown) or 'none'})")
    return result


def create_token(
    session: Session, *, workspace_id: int, user_id: int | None, name: str, scopes: Iterable[str]
) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never shown again.

    Raises
    ------
    ValidationError
        Empty name or unknown scopes.
    """
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError("name: required, at most 200 characters")
    clear = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        workspace_id=workspace_id,
        user_id=user_id,
        name=name,
        token_hash=hash_token(clear),
        scopes=_check_scopes(scopes),
    )
    session.add(token)
    session.flush()
    return token, clear


def authenticate_token(session: Session, *, token: str) -> ApiToken:
    """The live token whose clear text is ``token``.

    Raises
    ------
    AuthenticationError
        Unknown or revoked token, or its user is deactivated.
    """
    if not token.startswith(PREFIX) or len(token) > 200:
        raise AuthenticationError("invalid API token")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("invalid API token")
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is None or not user.is_active or user.workspace_id != row.workspace_id:
            raise AuthenticationError("invalid API token")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        row.last_used_at = now
        session.flush()
    return row


def has_scope(token: ApiToken, scope: str) -> bool:
    """Whether ``token`` grants ``scope`` (``admin`` grants all)."""
    return scope in token.scopes or "admin" in token.scopes


def list_tokens(session: Session, *, workspace_id: int) -> list[ApiToken]:
    """The workspace's tokens, newest first (revoked ones included, marked)."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.workspace_id == workspace_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, *, workspace_id: int, token_id: int) -> ApiToken:
    """Revoke a token of this workspace (idempotent).

    Raises
    ------
    NotFound
        No such token in this workspace.
    """
    row = session.get(ApiToken, token_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound(f"no API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row
