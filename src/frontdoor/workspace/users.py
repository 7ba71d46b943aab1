"""Users: creation, password hashing (argon2) and authentication."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import AuthenticationError, Conflict, NotFound, ValidationError
from frontdoor.core.text.email import normalize_email
from frontdoor.db.base import utcnow
from frontdoor.models import Role, User
from frontdoor.workspace.permissions import parse_role

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user is unknown keeps timing uniform.
_DUMMY_HASH = _hasher.hash("frontdoor-dummy-password")
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (constant-time)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def login_email(email: str) -> str:
    """A login address, normalized like every address (:func:`~frontdoor.core.text.email.normalize_email`).

    A login differs from a customer address only in how it fails: a person typed it, so
    what is not an address is an error for them, not a missing key.

    Raises
    ------
    ValidationError
        When ``email`` is not ``local@host.tld`` (or is longer than 320 characters).
    """
    normalized = normalize_email(email)
    if normalized is None:
        raise ValidationError(f"not an email address: {email.strip()[:80]!r}")
    return normalized


def create_user(
    session: Session,
    *,
    workspace_id: int,
    email: str,
    role: Role | str,
    password: str | None = None,
    name: str = "",
    language: str = "ko",
) -> User:
    """Add a user to a workspace.

    Raises
    ------
    ValidationError
        Bad email, role, language or a password shorter than 8 characters.
    Conflict
        The email is already a member of this workspace.
    """
    email = login_email(email)
    role = parse_role(role)
    if language not in ("ko", "en"):
        raise ValidationError("language must be ko or en")
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValidationError(f"password must be at least {MIN_PASSWORD} characters")
    exists = session.scalar(select(User.id).where(User.workspace_id == workspace_id, User.email == email))
    if exists is not None:
        raise Conflict(f"{email} is already a member of this workspace")
    user = User(
        workspace_id=workspace_id,
        email=email,
        role=role,
        name=name or email.split("@")[0],
        language=language,
        password_hash=hash_password(password) if password else None,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str, workspace_id: int | None = None) -> User:
    """Return the active user with these credentials.

    Raises
    ------
    AuthenticationError
        Unknown email, wrong password or inactive user (one message for all, on purpose).
    """
    # Looked up as it was stored (login_email); text that is no address still costs a hash check.
    address = normalize_email(email) or email.strip().lower()
    query = select(User).where(func.lower(User.email) == address, User.is_active.is_(True))
    if workspace_id is not None:
        query = query.where(User.workspace_id == workspace_id)
    candidates = list(session.scalars(query.order_by(User.id)))
    for user in candidates:
        if verify_password(user.password_hash, password):
            user.last_login_at = utcnow()
            session.flush()
            return user
    if not candidates:
        verify_password(None, password)
    raise AuthenticationError("wrong email or password")


def get_user(session: Session, *, workspace_id: int, user_id: int) -> User:
    """Return a user of this workspace or raise :class:`NotFound`."""
    user = session.get(User, user_id)
    if user is None or user.workspace_id != workspace_id:
        raise NotFound(f"no user {user_id}")
    return user


def list_users(session: Session, *, workspace_id: int) -> list[User]:
    """Users of a workspace, by email."""
    return list(session.scalars(select(User).where(User.workspace_id == workspace_id).order_by(User.email)))
