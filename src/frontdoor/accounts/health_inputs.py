"""The data behind account health: a few grouped scans per workspace, never one per account.

Only confirmed, whole-conversation tag assignments count, as everywhere else in frontdoor.
A conversation counts as open at ``as_of`` when it started by then and was not closed by then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from frontdoor.accounts.health_score import (
    HealthConfig,
    HealthInputs,
    SurveyAnswer,
    Usage,
    path_matches,
    sentiment_value,
)
from frontdoor.models import (
    Account,
    AssignmentStatus,
    Conversation,
    ConversationStatus,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
)

SENTIMENT_DIMENSION = "sentiment"


def tag_paths(session: Session, workspace_id: int) -> dict[int, tuple[str, str]]:
    """Tag id -> (path, dimension key) for the workspace."""
    rows = session.execute(
        select(Tag.id, Tag.path, TagDimension.key)
        .join(TagDimension, TagDimension.id == Tag.dimension_id)
        .where(Tag.workspace_id == workspace_id)
    )
    return {tid: (path, key) for tid, path, key in rows}


def _in_accounts(column: Any, account_ids: Iterable[int] | None) -> Any:
    return column.in_(list(account_ids)) if account_ids is not None else column.is_not(None)


def open_at(as_of: dt.datetime) -> Any:
    """SQL condition: the conversation had started and was not closed at ``as_of``."""
    return and_(
        Conversation.opened_at <= as_of,
        or_(
            and_(Conversation.closed_at.is_(None), Conversation.status != ConversationStatus.CLOSED),
            Conversation.closed_at > as_of,
        ),
    )


def survey_answers(
    session: Session,
    *,
    workspace_id: int,
    since: dt.datetime,
    until: dt.datetime,
    account_ids: Iterable[int] | None = None,
) -> dict[int, list[SurveyAnswer]]:
    """Survey answers per account in ``(since, until]``."""
    out: dict[int, list[SurveyAnswer]] = defaultdict(list)
    rows = session.execute(
        select(
            SurveyResponse.account_id,
            SurveyResponse.kind,
            SurveyResponse.score,
            SurveyResponse.scale_min,
            SurveyResponse.scale_max,
        ).where(
            SurveyResponse.workspace_id == workspace_id,
            _in_accounts(SurveyResponse.account_id, account_ids),
            SurveyResponse.responded_at > since,
            SurveyResponse.responded_at <= until,
        )
    )
    for account_id, kind, score, lo, hi in rows:
        out[int(account_id or 0)].append(SurveyAnswer(str(kind), float(score), int(lo), int(hi)))
    return out


def tagged_conversations(
    session: Session,
    *,
    workspace_id: int,
    tag_ids: Iterable[int],
    condition: Any,
    account_ids: Iterable[int] | None = None,
) -> list[tuple[int, int, int]]:
    """(account id, conversation id, tag id) of confirmed assignments of ``tag_ids``."""
    ids = list(tag_ids)
    if not ids:
        return []
    rows = session.execute(
        select(Conversation.account_id, Conversation.id, TagAssignment.tag_id)
        .join(TagAssignment, TagAssignment.conversation_id == Conversation.id)
        .where(
            Conversation.workspace_id == workspace_id,
            _in_accounts(Conversation.account_id, account_ids),
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.scope == "",
            TagAssignment.tag_id.in_(ids),
            condition,
        )
    )
    return [(int(a or 0), int(c), int(t)) for a, c, t in rows]


def problem_conversations(
    session: Session,
    *,
    workspace_id: int,
    as_of: dt.datetime,
    prefixes: tuple[str, ...],
    paths: dict[int, tuple[str, str]],
    account_ids: Iterable[int] | None = None,
) -> dict[int, list[int]]:
    """Conversation ids per account that are open at ``as_of`` and carry a problem tag."""
    ids = [tid for tid, (path, _) in paths.items() if path_matches(path, prefixes)]
    out: dict[int, set[int]] = defaultdict(set)
    for account_id, conv_id, _ in tagged_conversations(
        session, workspace_id=workspace_id, tag_ids=ids, condition=open_at(as_of), account_ids=account_ids
    ):
        out[account_id].add(conv_id)
    return {a: sorted(c) for a, c in out.items()}


def usage_of(account: Account) -> Usage | None:
    """The imported usage figures of an account (``attributes["usage"]``), if any."""
    raw = (account.attributes or {}).get("usage")
    if not isinstance(raw, dict) or not isinstance(raw.get("active_users"), int):
        return None
    seats = raw.get("seats") if isinstance(raw.get("seats"), int) else account.seats
    if not seats:
        return None
    as_of = None
    if isinstance(raw.get("as_of"), str):
        try:
            as_of = dt.date.fromisoformat(raw["as_of"])
        except ValueError:
            as_of = None
    return Usage(active=int(raw["active_users"]), seats=int(seats), as_of=as_of)


def collect_health_inputs(
    session: Session,
    *,
    workspace_id: int,
    as_of: dt.datetime,
    config: HealthConfig,
    accounts: list[Account],
) -> dict[int, HealthInputs]:
    """The inputs of every account in ``accounts`` (a handful of grouped queries in all)."""
    account_ids = [a.id for a in accounts]
    paths = tag_paths(session, workspace_id)
    surveys = survey_answers(
        session,
        workspace_id=workspace_id,
        since=as_of - dt.timedelta(days=config.survey_days),
        until=as_of,
        account_ids=account_ids,
    )
    window = and_(
        Conversation.opened_at > as_of - dt.timedelta(days=config.window_days),
        Conversation.opened_at <= as_of,
    )
    sentiments = _sentiments(session, workspace_id, paths, config, window, account_ids)
    problems = problem_conversations(
        session,
        workspace_id=workspace_id,
        as_of=as_of,
        prefixes=config.problem_tags,
        paths=paths,
        account_ids=account_ids,
    )
    churn: dict[int, set[int]] = defaultdict(set)
    for account_id, conv_id, _ in tagged_conversations(
        session,
        workspace_id=workspace_id,
        tag_ids=[tid for tid, (path, _) in paths.items() if path_matches(path, config.churn_tags)],
        condition=window,
        account_ids=account_ids,
    ):
        churn[account_id].add(conv_id)
    last = _last_conversations(session, workspace_id, as_of, account_ids)
    out: dict[int, HealthInputs] = {}
    for account in accounts:
        usage = usage_of(account)
        if usage is not None and usage.as_of is not None and usage.as_of > as_of.date():
            usage = None  # measured after the moment asked about
        out[account.id] = HealthInputs(
            as_of=as_of,
            surveys=surveys.get(account.id, []),
            sentiments=sentiments.get(account.id, []),
            open_problems=problems.get(account.id, []),
            churn_risk=sorted(churn.get(account.id, set())),
            last_conversation_at=last.get(account.id),
            usage=usage,
        )
    return out


def _sentiments(
    session: Session,
    workspace_id: int,
    paths: dict[int, tuple[str, str]],
    config: HealthConfig,
    window: Any,
    account_ids: list[int],
) -> dict[int, list[tuple[int, float]]]:
    """(conversation id, sentiment value) per account, for conversations opened in ``window``."""
    values = config.sentiment_values
    sentiment_ids = {
        tid: value
        for tid, (path, dim) in paths.items()
        if dim == SENTIMENT_DIMENSION and (value := sentiment_value(path, values)) is not None
    }
    per_conv: dict[tuple[int, int], list[float]] = defaultdict(list)
    for account_id, conv_id, tag_id in tagged_conversations(
        session, workspace_id=workspace_id, tag_ids=sentiment_ids, condition=window, account_ids=account_ids
    ):
        per_conv[(account_id, conv_id)].append(sentiment_ids[tag_id])
    sentiments: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (account_id, conv_id), found in sorted(per_conv.items()):
        # Sentiment is single-label; should a conversation carry two, use their mean.
        sentiments[account_id].append((conv_id, sum(found) / len(found)))
    return sentiments


def _last_conversations(
    session: Session, workspace_id: int, as_of: dt.datetime, account_ids: list[int]
) -> dict[int, dt.datetime]:
    """When each account's latest conversation (by ``as_of``) opened, as aware UTC."""
    rows = session.execute(
        select(Conversation.account_id, func.max(Conversation.opened_at))
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.account_id.in_(account_ids),
            Conversation.opened_at <= as_of,
        )
        .group_by(Conversation.account_id)
    )
    last: dict[int, dt.datetime] = {}
    for account_id, last_at in rows:
        if isinstance(last_at, str):  # SQLite returns the aggregate as text
            last_at = dt.datetime.fromisoformat(last_at).replace(tzinfo=dt.UTC)
        elif last_at is not None and last_at.tzinfo is None:
            last_at = last_at.replace(tzinfo=dt.UTC)
        if last_at is not None and account_id is not None:
            last[account_id] = last_at
    return last
