"""Which accounts to meet first: ARR, satisfaction and resistance as visible terms.

The arithmetic lives in :mod:`frontdoor.accounts.priority_score`; this module gathers each
account's numbers in a few grouped queries and ranks the accounts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from frontdoor.accounts.health import health_settings, load_health_config
from frontdoor.accounts.health_inputs import (
    collect_health_inputs,
    problem_conversations,
    tag_paths,
    tagged_conversations,
)
from frontdoor.accounts.health_score import Health, answer_goodness, compute_health, path_matches
from frontdoor.accounts.priority_score import (
    Priority,
    PriorityConfig,
    PriorityInputs,
    arr_share,
    compute_priority,
    priority_config,
)
from frontdoor.core.errors import ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import (
    Account,
    AuthorKind,
    Conversation,
    Message,
    PipelineStage,
)


def load_priority_config(session: Session, workspace_id: int) -> PriorityConfig:
    """The workspace's priority configuration (``settings["health"]["priority"]``)."""
    return priority_config(health_settings(session, workspace_id).get("priority"))


def _aware(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back aggregates of timestamps as text
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def first_reply_hours(
    session: Session,
    *,
    workspace_id: int,
    since: dt.datetime,
    until: dt.datetime,
    account_ids: list[int] | None = None,
) -> dict[int, list[float]]:
    """Hours from the customer's first message to the first agent reply, per account.

    Conversations the agent opened (outbound) and those not answered yet are left out.
    """
    first_customer = func.min(
        case((Message.author_kind == AuthorKind.CUSTOMER, Message.sent_at), else_=None)
    ).label("fc")
    first_agent = func.min(
        case(
            (and_(Message.author_kind == AuthorKind.AGENT, Message.is_internal.is_(False)), Message.sent_at),
            else_=None,
        )
    ).label("fa")
    query = (
        select(Conversation.account_id, Conversation.id, first_customer, first_agent)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.opened_at > since,
            Conversation.opened_at <= until,
        )
        .group_by(Conversation.account_id, Conversation.id)
    )
    query = query.where(
        Conversation.account_id.in_(account_ids)
        if account_ids is not None
        else Conversation.account_id.is_not(None)
    )
    out: dict[int, list[float]] = defaultdict(list)
    for account_id, _conv_id, fc, fa in session.execute(query):
        customer, agent = _aware(fc), _aware(fa)
        if customer is None or agent is None or agent < customer or agent > until:
            continue
        out[int(account_id)].append((agent - customer).total_seconds() / 3600)
    return out


@dataclass(frozen=True)
class PriorityRow:
    """One account of the ranked list with its health (for the band and reasons)."""

    rank: int
    account: Account
    priority: Priority
    health: Health


def priority_list(
    session: Session,
    *,
    workspace_id: int,
    as_of: dt.datetime | None = None,
    stage: str | None = None,
    owner_id: int | None = None,
    limit: int = 50,
) -> list[PriorityRow]:
    """Accounts ranked by priority, highest first (ties: larger ARR, then name).

    ``stage`` and ``owner_id`` filter the list after ranking, so ranks stay those of the whole
    workspace.

    Raises
    ------
    ValidationError
        An unknown stage or ``limit`` outside 1..1000.
    """
    if not 1 <= limit <= 1000:
        raise ValidationError("limit: 1 to 1000")
    if stage:
        try:
            stage = PipelineStage(stage).value
        except ValueError:
            raise ValidationError(
                f"stage must be one of {', '.join(s.value for s in PipelineStage)}"
            ) from None
    as_of = as_of or utcnow()
    accounts = list(session.scalars(select(Account).where(Account.workspace_id == workspace_id)))
    if not accounts:
        return []
    ranked = score_accounts(session, workspace_id=workspace_id, accounts=accounts, as_of=as_of)
    rows = [
        PriorityRow(i + 1, acc, prio, health)
        for i, (acc, prio, health) in enumerate(
            sorted(ranked, key=lambda r: (-r[1].score, -r[0].arr, r[0].name, r[0].id))
        )
    ]
    if stage:
        rows = [r for r in rows if r.account.stage == stage]
    if owner_id is not None:
        rows = [r for r in rows if r.account.owner_id == owner_id]
    return rows[:limit]


def score_accounts(
    session: Session, *, workspace_id: int, accounts: list[Account], as_of: dt.datetime
) -> list[tuple[Account, Priority, Health]]:
    """Priority and health of ``accounts``; ARR shares are against the whole workspace."""
    hconfig = load_health_config(session, workspace_id)
    pconfig = load_priority_config(session, workspace_id)
    all_arrs = list(session.scalars(select(Account.arr).where(Account.workspace_id == workspace_id)))
    ids = [a.id for a in accounts]
    health_inputs = collect_health_inputs(
        session, workspace_id=workspace_id, as_of=as_of, config=hconfig, accounts=accounts
    )
    paths = tag_paths(session, workspace_id)
    since = as_of - dt.timedelta(days=pconfig.window_days)
    in_window = and_(Conversation.opened_at > since, Conversation.opened_at <= as_of)
    complaint_ids = [t for t, (p, _) in paths.items() if path_matches(p, pconfig.complaint_tags)]
    churn_ids = [t for t, (p, _) in paths.items() if path_matches(p, pconfig.churn_tags)]
    complaints: dict[int, set[int]] = defaultdict(set)
    for a, c, _ in tagged_conversations(
        session, workspace_id=workspace_id, tag_ids=complaint_ids, condition=in_window, account_ids=ids
    ):
        complaints[a].add(c)
    churn: dict[int, set[int]] = defaultdict(set)
    for a, c, _ in tagged_conversations(
        session, workspace_id=workspace_id, tag_ids=churn_ids, condition=in_window, account_ids=ids
    ):
        churn[a].add(c)
    unresolved = problem_conversations(
        session,
        workspace_id=workspace_id,
        as_of=as_of,
        prefixes=hconfig.problem_tags,
        paths=paths,
        account_ids=ids,
    )
    replies = first_reply_hours(session, workspace_id=workspace_id, since=since, until=as_of, account_ids=ids)
    out = []
    for account in accounts:
        inputs = health_inputs[account.id]
        # Satisfaction over health's survey window, graded good/middle/bad as in health.
        graded = [g for a in inputs.surveys if (g := answer_goodness(a)) is not None]
        hours = replies.get(account.id, [])
        prio = compute_priority(
            PriorityInputs(
                arr=account.arr,
                smaller_arr_share=arr_share(account.arr, all_arrs),
                goodness=sum(graded) / len(graded) if graded else None,
                answers=len(graded),
                complaints=sorted(complaints.get(account.id, set())),
                unresolved=unresolved.get(account.id, []),
                churn_risk=sorted(churn.get(account.id, set())),
                median_reply_hours=statistics.median(hours) if hours else None,
                replies=len(hours),
            ),
            pconfig,
        )
        out.append((account, prio, compute_health(inputs, hconfig)))
    return out
