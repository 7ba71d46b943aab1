"""Per-workspace PII redaction settings, kept in ``Workspace.settings["pii"]``.

Shape::

    {"kinds": ["email", "rrn", "card", "account_no", "phone"],   # built-ins switched on
     "rules": [{"label": "ORDER_ID", "pattern": "ORD-\\\\d{8}"}]}  # own rules -> [ORDER_ID]

A workspace without the key redacts every built-in kind and has no own rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.text.redact import KINDS, MAX_RULES, CustomRule, Redactor
from frontdoor.models import Workspace

__all__ = ["get_pii_config", "redactor_for", "set_pii_config"]


def _workspace(session: Session, workspace_id: int) -> Workspace:
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace #{workspace_id}")
    return ws


def get_pii_config(session: Session, *, workspace_id: int) -> dict[str, Any]:
    """The workspace's redaction config with defaults filled in: ``{"kinds": [...], "rules": [...]}``."""
    raw = (_workspace(session, workspace_id).settings or {}).get("pii") or {}
    kinds = raw.get("kinds")
    return {
        "kinds": list(KINDS) if kinds is None else [k for k in KINDS if k in kinds],
        "rules": [{"label": r["label"], "pattern": r["pattern"]} for r in raw.get("rules", [])],
    }


def set_pii_config(
    session: Session,
    *,
    workspace_id: int,
    kinds: Iterable[str] | None = None,
    rules: Iterable[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """Change which kinds are redacted and the workspace's own rules.

    Parameters
    ----------
    kinds : iterable of str, optional
        Built-in kinds to switch on (others off); ``None`` keeps the current choice.
    rules : iterable of mapping, optional
        ``{"label": "ORDER_ID", "pattern": "..."}`` rules replacing the current ones;
        ``None`` keeps them.

    Returns
    -------
    dict
        The new config (as :func:`get_pii_config` returns it).

    Raises
    ------
    ValidationError
        On an unknown kind, a bad label or a pattern that does not compile.
    """
    ws = _workspace(session, workspace_id)
    current = get_pii_config(session, workspace_id=workspace_id)
    if kinds is not None:
        chosen = list(dict.fromkeys(kinds))
        unknown = [k for k in chosen if k not in KINDS]
        if unknown:
            raise ValidationError(f"unknown PII kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
        current["kinds"] = [k for k in KINDS if k in chosen]
    if rules is not None:
        built = [CustomRule.build(r.get("label", ""), r.get("pattern", "")) for r in rules]
        if len(built) > MAX_RULES:
            raise ValidationError(f"at most {MAX_RULES} PII rules")
        current["rules"] = [{"label": r.label, "pattern": r.pattern} for r in built]
    # Reassign so the JSON column is seen as changed.
    ws.settings = {**(ws.settings or {}), "pii": current}
    session.flush()
    return current


def redactor_for(session: Session, *, workspace_id: int) -> Redactor:
    """The :class:`~frontdoor.core.text.redact.Redactor` configured for the workspace."""
    raw = (_workspace(session, workspace_id).settings or {}).get("pii")
    return Redactor.from_config(raw)
