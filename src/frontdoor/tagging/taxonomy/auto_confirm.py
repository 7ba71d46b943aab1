"""Which tags' rule hits are confirmed directly instead of suggested.

Stored in the workspace settings (``tagging.auto_confirm``, a list of tag ids), so it needs
no schema change.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from frontdoor.models import User
from frontdoor.tagging.taxonomy.tags import TagRef, get_tag
from frontdoor.tagging.taxonomy.validation import check_editor
from frontdoor.tagging.workspace_settings import save_tagging_section, tagging_section, tagging_workspace


def auto_confirm_tag_ids(session: Session, *, workspace_id: int) -> set[int]:
    """Tags whose rule hits are confirmed directly instead of suggested."""
    ws = tagging_workspace(session, workspace_id)
    return {int(i) for i in tagging_section(ws).get("auto_confirm", [])}


def save_auto_confirm_ids(session: Session, *, workspace_id: int, tag_ids: Iterable[int]) -> None:
    """Replace the workspace's auto-confirmed tags with ``tag_ids`` (not flushed)."""
    ws = tagging_workspace(session, workspace_id)
    tagging = tagging_section(ws)
    tagging["auto_confirm"] = sorted(tag_ids)
    save_tagging_section(ws, tagging)


def set_auto_confirm(
    session: Session, *, workspace_id: int, tag: TagRef, enabled: bool, user: User | None = None
) -> None:
    """Make rule hits of ``tag`` confirmed (``enabled``) or suggested (default)."""
    check_editor(user)
    t = get_tag(session, workspace_id=workspace_id, tag=tag)
    ids = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    save_auto_confirm_ids(
        session, workspace_id=workspace_id, tag_ids=ids | {t.id} if enabled else ids - {t.id}
    )
    session.flush()


def drop_auto_confirm(session: Session, *, workspace_id: int, tag_id: int) -> None:
    """Stop auto-confirming ``tag_id`` (a merged tag takes no new assignments)."""
    ids = auto_confirm_tag_ids(session, workspace_id=workspace_id)
    if tag_id in ids:
        save_auto_confirm_ids(session, workspace_id=workspace_id, tag_ids=ids - {tag_id})
