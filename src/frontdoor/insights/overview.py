"""Counts that describe a workspace at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.models import Account, Conversation, Message, Tag, Workspace


@dataclass(frozen=True)
class Overview:
    """What a workspace holds."""

    workspace_name: str
    conversations: int
    messages: int
    accounts: int
    tags: int


def workspace_overview(session: Session, *, workspace_id: int) -> Overview:
    """Count the main records of one workspace."""

    def count(model: type[Account] | type[Conversation] | type[Message] | type[Tag]) -> int:
        return (
            session.scalar(select(func.count()).select_from(model).where(model.workspace_id == workspace_id))
            or 0
        )

    ws = session.get(Workspace, workspace_id)
    return Overview(
        workspace_name=ws.name if ws else "",
        conversations=count(Conversation),
        messages=count(Message),
        accounts=count(Account),
        tags=count(Tag),
    )
