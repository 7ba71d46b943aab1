"""What an alert shows besides its numbers: a few customer quotes and the accounts affected."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from frontdoor.models import Account, AssignmentStatus, AuthorKind, Conversation, Message, TagAssignment

MAX_EXAMPLES = 3
MAX_ACCOUNTS = 20
QUOTE_CHARS = 280


def tagged_in_window(
    workspace_id: int, tag_id: int, since: dt.datetime, until: dt.datetime
) -> list[ColumnElement[bool]]:
    """Conversation-level, not rejected assignments of the tag on conversations opened in ``[since, until)``.

    Joined to :class:`~frontdoor.models.Conversation`. Alerts count the confirmed ones
    and the suggestions that need no person (:func:`frontdoor.alerts.service.check_tags`).
    """
    return [
        TagAssignment.workspace_id == workspace_id,
        TagAssignment.tag_id == tag_id,
        TagAssignment.scope == "",
        TagAssignment.status != AssignmentStatus.REJECTED,
        Conversation.opened_at >= since,
        Conversation.opened_at < until,
    ]


def alert_examples(
    session: Session, *, workspace_id: int, tag_id: int, since: dt.datetime, until: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Up to three customer quotes (newest first) and the affected accounts."""
    convs = session.execute(
        select(Conversation.id, Conversation.account_id, Conversation.opened_at)
        .join(TagAssignment, TagAssignment.conversation_id == Conversation.id)
        .where(*tagged_in_window(workspace_id, tag_id, since, until))
        .order_by(Conversation.opened_at.desc(), Conversation.id.desc())
    ).all()
    examples: list[dict[str, Any]] = []
    for conv_id, _account, _opened in convs:
        if len(examples) >= MAX_EXAMPLES:
            break
        # A quote tagged with this tag says it best; otherwise the customer's first message.
        quote = session.execute(
            select(Message.text, TagAssignment.span_start, TagAssignment.span_end)
            .join(Message, Message.id == TagAssignment.message_id)
            .where(
                TagAssignment.conversation_id == conv_id,
                TagAssignment.tag_id == tag_id,
                TagAssignment.scope != "",
            )
            .limit(1)
        ).first()
        if quote is not None and quote[1] is not None and quote[2] is not None:
            text = quote[0][quote[1] : quote[2]]
        else:
            text = (
                session.scalar(
                    select(Message.text)
                    .where(
                        Message.conversation_id == conv_id,
                        Message.author_kind == AuthorKind.CUSTOMER,
                        Message.is_internal.is_(False),
                    )
                    .order_by(Message.sent_at, Message.id)
                    .limit(1)
                )
                or ""
            )
        text = " ".join(text.split())
        if text:
            cut = text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "")
            examples.append({"conversation_id": int(conv_id), "quote": cut})
    account_ids = list(dict.fromkeys(int(a) for _, a, _ in convs if a is not None))
    accounts: list[dict[str, Any]] = []
    if account_ids:
        rows = session.execute(
            select(Account.id, Account.name, Account.arr, Account.plan).where(Account.id.in_(account_ids))
        ).all()
        by_id = {int(r[0]): r for r in rows}
        ranked = sorted(account_ids, key=lambda a: (-int(by_id[a][2] or 0), a) if a in by_id else (0, a))
        for a in ranked[:MAX_ACCOUNTS]:
            if a in by_id:
                _, name, arr, plan = by_id[a]
                accounts.append({"account_id": a, "name": name, "arr": int(arr or 0), "plan": plan})
    return examples, accounts
