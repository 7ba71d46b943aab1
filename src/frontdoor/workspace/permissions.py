"""What each role may do. One table, checked by services before they change data."""

from __future__ import annotations

import enum

from frontdoor.core.errors import PermissionDenied, ValidationError
from frontdoor.models import Role, User


class Action(enum.StrEnum):
    """Things a user can try to do."""

    READ = "read"
    TAG = "tag"
    ROUTE = "route"
    EDIT_ACCOUNTS = "edit_accounts"
    EDIT_ROADMAP = "edit_roadmap"
    EDIT_TAXONOMY = "edit_taxonomy"
    ONCALL_NOTES = "oncall_notes"
    IMPORT = "import"
    ADMIN = "admin"


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.CX: frozenset(
        {Action.READ, Action.TAG, Action.ROUTE, Action.EDIT_ACCOUNTS, Action.ONCALL_NOTES, Action.IMPORT}
    ),
    Role.PRODUCT: frozenset(
        {Action.READ, Action.TAG, Action.EDIT_ROADMAP, Action.EDIT_TAXONOMY, Action.ONCALL_NOTES}
    ),
    Role.ENGINEER: frozenset({Action.READ, Action.ONCALL_NOTES}),
}


def parse_role(value: Role | str) -> Role:
    """``value`` as a :class:`Role`, or :class:`ValidationError` naming the roles there are."""
    try:
        return Role(value)
    except ValueError:
        raise ValidationError(f"role: must be one of {', '.join(r.value for r in Role)}") from None


def can(user: User, action: Action) -> bool:
    """Whether ``user`` may perform ``action``."""
    return user.is_active and action in _ALLOWED[Role(user.role)]


def require(user: User, action: Action) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may perform ``action``."""
    if not can(user, action):
        raise PermissionDenied(f"role {user.role} may not {action.value.replace('_', ' ')}")
