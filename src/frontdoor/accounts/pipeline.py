"""The CX pipeline (CSM -> ADR -> AM): move an account, give it an owner, keep the log."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.accounts.listing import load_account
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Account, AccountStageChange, PipelineStage, User
from frontdoor.workspace.permissions import Action, require

REASON_MAX = 1000


def change_stage(
    session: Session,
    *,
    workspace_id: int,
    account_id: int,
    actor: User,
    stage: str,
    owner_id: int | None,
    reason: str,
) -> AccountStageChange | None:
    """Set an account's pipeline stage and owner, logging who, when and why.

    Setting what the account already has logs nothing and returns None (safe to repeat).

    Raises
    ------
    PermissionDenied
        The actor may not edit accounts.
    NotFound
        No such account, or the owner is not an active member of this workspace.
    ValidationError
        An unknown stage, or no reason given.
    """
    require(actor, Action.EDIT_ACCOUNTS)
    try:
        new_stage = PipelineStage(stage)
    except ValueError:
        raise ValidationError(f"stage must be one of {', '.join(s.value for s in PipelineStage)}") from None
    account = load_account(session, workspace_id=workspace_id, account_id=account_id)
    if owner_id is not None:
        owner = session.get(User, owner_id)
        if owner is None or owner.workspace_id != workspace_id or not owner.is_active:
            raise NotFound(f"no active member {owner_id} in this workspace")
    if account.stage == new_stage and account.owner_id == owner_id:
        return None
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("reason: say why the account moves (one line)")
    change = AccountStageChange(
        workspace_id=workspace_id,
        account_id=account.id,
        from_stage=account.stage,
        to_stage=new_stage,
        from_owner_id=account.owner_id,
        to_owner_id=owner_id,
        changed_by_id=actor.id,
        reason=reason[:REASON_MAX],
        changed_at=utcnow(),
    )
    account.stage = new_stage
    account.owner_id = owner_id
    session.add(change)
    session.flush()
    return change


@dataclass(frozen=True)
class StageChangeRow:
    """A logged change with the names of the people involved."""

    change: AccountStageChange
    from_owner: str | None
    to_owner: str | None
    changed_by: str | None


def stage_history(
    session: Session, *, workspace_id: int, account_id: int, limit: int = 50
) -> list[StageChangeRow]:
    """An account's pipeline changes, newest first."""
    changes = list(
        session.scalars(
            select(AccountStageChange)
            .where(
                AccountStageChange.workspace_id == workspace_id,
                AccountStageChange.account_id == account_id,
            )
            .order_by(AccountStageChange.changed_at.desc(), AccountStageChange.id.desc())
            .limit(limit)
        )
    )
    ids = {i for c in changes for i in (c.from_owner_id, c.to_owner_id, c.changed_by_id) if i is not None}
    names = (
        {u.id: u.name or u.email for u in session.scalars(select(User).where(User.id.in_(ids)))}
        if ids
        else {}
    )

    def name(uid: int | None) -> str | None:
        return names.get(uid) if uid is not None else None

    return [
        StageChangeRow(c, name(c.from_owner_id), name(c.to_owner_id), name(c.changed_by_id)) for c in changes
    ]


def members(session: Session, *, workspace_id: int) -> list[User]:
    """Active members who can own accounts, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.workspace_id == workspace_id, User.is_active.is_(True))
            .order_by(func.lower(User.name), User.id)
        )
    )


def stage_counts(session: Session, *, workspace_id: int) -> dict[str, int]:
    """Accounts per pipeline stage (every stage present, zero when empty)."""
    counts = dict.fromkeys((s.value for s in PipelineStage), 0)
    for stage, n in session.execute(
        select(Account.stage, func.count())
        .where(Account.workspace_id == workspace_id)
        .group_by(Account.stage)
    ):
        counts[PipelineStage(stage).value] = int(n)
    return counts
