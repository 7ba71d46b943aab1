"""The checks every taxonomy edit makes: who may edit, and what a key, path or list may hold.

A tag is addressed by its path, whose first segment is its dimension's key
(``area/dashboard/export`` is in dimension ``area``; its parent is ``area/dashboard``).
Text is NFC-normalized and bounded here, so every writer stores the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from frontdoor.core.errors import ValidationError
from frontdoor.core.text.tokenize import normalize_text
from frontdoor.models import User
from frontdoor.workspace.permissions import Action, require

MAX_PATH = 500
MAX_SEGMENT = 100
MAX_LIST_ITEMS = 200
MAX_EXAMPLE_CHARS = 2000


def check_editor(user: User | None, action: Action = Action.EDIT_TAXONOMY) -> None:
    """Refuse ``user`` unless their role may ``action`` (``None``: a trusted internal caller).

    Raises
    ------
    PermissionDenied
        When the user's role may not do ``action``.
    """
    if user is not None:
        require(user, action)


def clean_dimension_key(key: str) -> str:
    """Return ``key`` normalized; 1-64 characters without ``/`` or spaces.

    Raises
    ------
    ValidationError
        When the key is empty, too long or holds ``/`` or whitespace.
    """
    key = normalize_text(str(key)).strip()
    if not key or "/" in key or len(key) > 64 or any(c.isspace() for c in key):
        raise ValidationError(f"dimension key {key!r} must be 1-64 characters without '/' or spaces")
    return key


def clean_segment(seg: str) -> str:
    """Return one path segment normalized and trimmed.

    Raises
    ------
    ValidationError
        When it is empty, holds ``/`` or unprintable characters, or is over 100 characters.
    """
    seg = normalize_text(str(seg)).strip()
    if not seg:
        raise ValidationError("a tag path segment must not be empty")
    if "/" in seg or len(seg) > MAX_SEGMENT or any(not c.isprintable() for c in seg):
        raise ValidationError(
            f"tag name {seg[:40]!r} must be printable, without '/', at most {MAX_SEGMENT} characters"
        )
    return seg


def normalize_path(path: str) -> str:
    """Return ``path`` NFC-normalized, with segments trimmed and validated.

    Raises
    ------
    ValidationError
        When it has fewer than two segments (dimension and name), an empty or overlong
        segment, or is longer than 500 characters.
    """
    parts = [clean_segment(p) for p in normalize_text(str(path)).strip().strip("/").split("/")]
    if len(parts) < 2:
        raise ValidationError(f"tag path {path!r} must be '<dimension>/<name>[/...]'")
    out = "/".join(parts)
    if len(out) > MAX_PATH:
        raise ValidationError(f"tag path is longer than {MAX_PATH} characters")
    return out


def parent_path(path: str) -> str | None:
    """The parent tag's path (``None`` for a top-level tag, whose parent is its dimension)."""
    head, _, _ = path.rpartition("/")
    return head if "/" in head else None


def clean_list(
    values: Iterable[Any] | None, what: str, check: Callable[[str], str] | None = None
) -> list[str]:
    """Return ``values`` normalized, without blanks or repeats, each passed through ``check``.

    Parameters
    ----------
    values : iterable or str, optional
        The entries (a single string is one entry).
    what : str
        The field's name, for error messages.
    check : callable, optional
        Validates (and may rewrite) each entry, raising :class:`ValidationError`.

    Raises
    ------
    ValidationError
        When an entry is over 2,000 characters or there are over 200 entries.
    """
    if values is None:
        return []
    items: Iterable[Any] = [values] if isinstance(values, str) else values
    out: list[str] = []
    for v in items:
        s = normalize_text(str(v)).strip()
        if not s:
            continue
        if len(s) > MAX_EXAMPLE_CHARS:
            raise ValidationError(f"{what} entry is longer than {MAX_EXAMPLE_CHARS} characters")
        if check is not None:
            s = check(s)
        if s not in out:
            out.append(s)
    if len(out) > MAX_LIST_ITEMS:
        raise ValidationError(f"at most {MAX_LIST_ITEMS} {what} per tag")
    return out
