"""Drafting close-the-loop messages: one ``loop_notification`` row per (item, contact) who asked.

The message is rendered from the workspace's template in the contact's language; the
unique key makes a second draft a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.core.events import RoadmapItemShipped
from frontdoor.db.base import utcnow
from frontdoor.models import LoopNotification, LoopStatus, RoadmapItem, RoadmapStatus, User, Workspace
from frontdoor.roadmap.close_loop.recipients import Recipient, recipients
from frontdoor.roadmap.close_loop.templates import (
    FALLBACK_ACCOUNT,
    FALLBACK_NAME,
    LANGUAGES,
    loop_templates,
    render_template,
)
from frontdoor.roadmap.items import get_item
from frontdoor.workspace.permissions import Action, require


@dataclass
class DraftResult:
    """What :func:`draft` did for one item."""

    item_id: int
    created: int
    already: int
    without_email: int

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return dict(self.__dict__)


def _language(contact_language: str | None, workspace: Workspace) -> str:
    for lang in (contact_language, workspace.default_language):
        if lang and lang[:2].lower() in LANGUAGES:
            return lang[:2].lower()
    return "en"


def _message(
    recipient: Recipient, item: RoadmapItem, workspace: Workspace, templates: Mapping[str, Mapping[str, str]]
) -> tuple[str, str, str]:
    lang = _language(recipient.language, workspace)
    values = {
        "name": recipient.name.strip() or FALLBACK_NAME[lang],
        "item": item.title,
        "account": recipient.account_name.strip() or FALLBACK_ACCOUNT[lang],
        "workspace": workspace.name,
    }
    tpl = templates[lang]
    return lang, render_template(tpl["subject"], values), render_template(tpl["body"], values)


def draft(session: Session, *, workspace_id: int, item_id: int) -> DraftResult:
    """Draft one message per contact who asked for a shipped item (and only new ones).

    Contacts that already have a row keep it untouched, whatever its state, so running
    this again (or concurrently) adds nothing for them.

    Raises
    ------
    NotFound
        No such item.
    ValidationError
        The item is not shipped, or the workspace's template is broken.
    """
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    if item.status != RoadmapStatus.SHIPPED:
        raise ValidationError(f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first")
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None  # the item's foreign key guarantees it
    templates = loop_templates(workspace)
    found = recipients(session, workspace_id=workspace_id, item_id=item_id)
    have = set(
        session.scalars(
            select(LoopNotification.contact_id).where(
                LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id
            )
        )
    )
    created = 0
    for r in found:
        if r.contact_id in have:
            continue
        lang, subject, body = _message(r, item, workspace, templates)
        row = LoopNotification(
            workspace_id=workspace_id,
            roadmap_item_id=item_id,
            contact_id=r.contact_id,
            account_id=r.account_id,
            email=r.email,
            contact_name=r.name[:300],
            language=lang,
            subject=subject[:500],
            body=body,
            conversation_ids=r.conversation_ids,
            status=LoopStatus.DRAFTED,
            attempts=0,
        )
        try:
            # A savepoint per row: a concurrent draft of the same contact loses quietly.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        created += 1
    return DraftResult(
        item_id=item_id,
        created=created,
        already=len(found) - created,
        without_email=sum(1 for r in found if not r.email),
    )


def on_roadmap_item_shipped(session: Session, event: RoadmapItemShipped) -> None:
    """Draft the messages of an item saved as shipped, in the same transaction (see :func:`draft`)."""
    draft(session, workspace_id=event.workspace_id, item_id=event.item_id)


def mark_shipped(session: Session, *, workspace_id: int, item_id: int, user: User | None) -> DraftResult:
    """Mark an item shipped (keeping an earlier ``shipped_at``) and draft its messages.

    ``user`` is ``None`` for the operator at the command line (trusted like every command).

    Raises
    ------
    PermissionDenied
        The user may not edit the roadmap.
    NotFound
        No such item.
    """
    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    item = get_item(session, workspace_id=workspace_id, item_id=item_id)
    if item.status != RoadmapStatus.SHIPPED:
        item.status = RoadmapStatus.SHIPPED
    if item.shipped_at is None:
        item.shipped_at = utcnow()
    session.flush()
    return draft(session, workspace_id=workspace_id, item_id=item_id)
