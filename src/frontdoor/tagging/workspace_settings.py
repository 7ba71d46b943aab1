"""The ``tagging`` section of a workspace's settings: auto-confirmed tags, the model, quality.

Stored in ``Workspace.settings["tagging"]`` (no schema change): ``auto_confirm`` (tag
ids), ``model`` and ``model_history`` (see :mod:`frontdoor.tagging.training`) and
``quality`` (see :mod:`frontdoor.tagging.quality`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound
from frontdoor.models import Workspace


def tagging_workspace(session: Session, workspace_id: int) -> Workspace:
    """The workspace whose tagging this is.

    Raises
    ------
    NotFound
        No such workspace.
    """
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    return ws


def tagging_section(ws: Workspace) -> dict[str, Any]:
    """A copy of the workspace's ``tagging`` settings (empty when unset)."""
    return dict((ws.settings or {}).get("tagging") or {})


def save_tagging_section(ws: Workspace, section: dict[str, Any]) -> None:
    """Store ``section`` as the workspace's ``tagging`` settings (not flushed)."""
    # A new dict: JSON columns only notice reassignment.
    ws.settings = {**(ws.settings or {}), "tagging": section}
