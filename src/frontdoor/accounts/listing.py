"""Accounts (customer companies): list and detail for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import Account, AccountDomain, Contact, Conversation, SurveyResponse


@dataclass(frozen=True)
class AccountRow:
    """An account with its conversation count."""

    account: Account
    conversations: int


@dataclass(frozen=True)
class AccountDetail:
    """An account with its domains, contacts, recent conversations and surveys."""

    account: Account
    domains: list[str]
    contacts: list[Contact]
    conversations: int
    recent: list[Conversation]
    surveys: list[SurveyResponse]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_accounts(
    session: Session, *, workspace_id: int, q: str = "", limit: int = 50, offset: int = 0
) -> list[AccountRow]:
    """Accounts of this workspace, largest ARR first, optionally filtered by name.

    Raises
    ------
    ValidationError
        ``limit`` outside 1..200 or a negative ``offset``.
    """
    if not 1 <= limit <= 200 or offset < 0:
        raise ValidationError("limit: 1 to 200; offset: 0 or more")
    query = select(Account).where(Account.workspace_id == workspace_id)
    if q.strip():
        query = query.where(Account.name.ilike(f"%{_escape_like(q.strip()[:100])}%", escape="\\"))
    accounts = list(
        session.scalars(
            query.order_by(Account.arr.desc(), Account.name, Account.id).limit(limit).offset(offset)
        )
    )
    ids = [a.id for a in accounts]
    counts: dict[int, int] = {}
    if ids:
        counts = {
            account_id: n
            for account_id, n in session.execute(
                select(Conversation.account_id, func.count())
                .where(Conversation.workspace_id == workspace_id, Conversation.account_id.in_(ids))
                .group_by(Conversation.account_id)
            )
            if account_id is not None
        }
    return [AccountRow(account=a, conversations=counts.get(a.id, 0)) for a in accounts]


def load_account(session: Session, *, workspace_id: int, account_id: int) -> Account:
    """The account ``account_id`` of this workspace.

    Raises
    ------
    NotFound
        No such account in this workspace.
    """
    account = session.get(Account, account_id)
    if account is None or account.workspace_id != workspace_id:
        raise NotFound(f"no account {account_id}")
    return account


def get_account(session: Session, *, workspace_id: int, account_id: int) -> AccountDetail:
    """One account of this workspace.

    Raises
    ------
    NotFound
        No such account in this workspace.
    """
    account = load_account(session, workspace_id=workspace_id, account_id=account_id)
    domains = list(
        session.scalars(
            select(AccountDomain.domain)
            .where(AccountDomain.account_id == account.id)
            .order_by(AccountDomain.domain)
        )
    )
    contacts = list(
        session.scalars(
            select(Contact)
            .where(Contact.workspace_id == workspace_id, Contact.account_id == account.id)
            .order_by(Contact.is_decision_maker.desc(), Contact.name)
            .limit(200)
        )
    )
    total = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.workspace_id == workspace_id, Conversation.account_id == account.id)
    )
    recent = list(
        session.scalars(
            select(Conversation)
            .where(Conversation.workspace_id == workspace_id, Conversation.account_id == account.id)
            .order_by(Conversation.opened_at.desc(), Conversation.id.desc())
            .limit(20)
        )
    )
    surveys = list(
        session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.workspace_id == workspace_id, SurveyResponse.account_id == account.id)
            .order_by(SurveyResponse.responded_at.desc())
            .limit(20)
        )
    )
    return AccountDetail(
        account=account,
        domains=domains,
        contacts=contacts,
        conversations=total or 0,
        recent=recent,
        surveys=surveys,
    )
