"""Account health: gather the signals' data, score accounts, keep snapshots and explain changes.

The arithmetic lives in :mod:`frontdoor.accounts.health_score`; this module runs the queries (a few
grouped scans per workspace, never one per account) and stores history.

Only confirmed, whole-conversation tag assignments count, as everywhere else in frontdoor.
A conversation counts as open at ``as_of`` when it started by then and was not closed by then.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.accounts.health_score import (
    Health,
    HealthConfig,
    HealthInputs,
    Signal,
    SignalChange,
    SurveyAnswer,
    Usage,
    compare,
    compute_health,
    health_config,
    path_matches,
    sentiment_value,
)
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import (
    Account,
    AccountHealthSnapshot,
    AssignmentStatus,
    Conversation,
    ConversationStatus,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    Workspace,
)

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)

SENTIMENT_DIMENSION = "sentiment"


def health_settings(session: Session, workspace_id: int) -> dict[str, Any]:
    """``Workspace.settings["health"]`` (empty when unset)."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    raw = (ws.settings or {}).get("health") or {}
    if not isinstance(raw, dict):
        raise ValidationError("health settings: an object")
    return raw


def load_health_config(session: Session, workspace_id: int) -> HealthConfig:
    """The workspace's health configuration (defaults for what it does not set)."""
    return health_config(health_settings(session, workspace_id))


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
    values = config.sentiment_values
    sentiment_ids = {
        tid: value
        for tid, (path, dim) in paths.items()
        if dim == SENTIMENT_DIMENSION and (value := sentiment_value(path, values)) is not None
    }
    window_start = as_of - dt.timedelta(days=config.window_days)
    per_conv: dict[tuple[int, int], list[float]] = defaultdict(list)
    for account_id, conv_id, tag_id in tagged_conversations(
        session,
        workspace_id=workspace_id,
        tag_ids=sentiment_ids,
        condition=and_(Conversation.opened_at > window_start, Conversation.opened_at <= as_of),
        account_ids=account_ids,
    ):
        per_conv[(account_id, conv_id)].append(sentiment_ids[tag_id])
    sentiments: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (account_id, conv_id), found in sorted(per_conv.items()):
        # Sentiment is single-label; should a conversation carry two, use their mean.
        sentiments[account_id].append((conv_id, sum(found) / len(found)))
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
        condition=and_(Conversation.opened_at > window_start, Conversation.opened_at <= as_of),
        account_ids=account_ids,
    ):
        churn[account_id].add(conv_id)
    last = dict(
        session.execute(
            select(Conversation.account_id, func.max(Conversation.opened_at))
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.account_id.in_(account_ids),
                Conversation.opened_at <= as_of,
            )
            .group_by(Conversation.account_id)
        ).all()
    )
    out: dict[int, HealthInputs] = {}
    for account in accounts:
        usage = usage_of(account)
        if usage is not None and usage.as_of is not None and usage.as_of > as_of.date():
            usage = None  # measured after the moment asked about
        last_at = last.get(account.id)
        if isinstance(last_at, str):  # SQLite returns the aggregate as text
            last_at = dt.datetime.fromisoformat(last_at).replace(tzinfo=dt.UTC)
        elif last_at is not None and last_at.tzinfo is None:
            last_at = last_at.replace(tzinfo=dt.UTC)
        out[account.id] = HealthInputs(
            as_of=as_of,
            surveys=surveys.get(account.id, []),
            sentiments=sentiments.get(account.id, []),
            open_problems=problems.get(account.id, []),
            churn_risk=sorted(churn.get(account.id, set())),
            last_conversation_at=last_at,
            usage=usage,
        )
    return out


def health_of_accounts(
    session: Session,
    *,
    workspace_id: int,
    accounts: list[Account] | None = None,
    as_of: dt.datetime | None = None,
) -> dict[int, Health]:
    """Health of the given accounts (default: all of the workspace) at ``as_of`` (default now)."""
    as_of = as_of or utcnow()
    config = load_health_config(session, workspace_id)
    if accounts is None:
        accounts = list(session.scalars(select(Account).where(Account.workspace_id == workspace_id)))
    if not accounts:
        return {}
    inputs = collect_health_inputs(
        session, workspace_id=workspace_id, as_of=as_of, config=config, accounts=accounts
    )
    return {aid: compute_health(inp, config) for aid, inp in inputs.items()}


def account_health(
    session: Session, *, workspace_id: int, account_id: int, as_of: dt.datetime | None = None
) -> Health:
    """Health of one account.

    Raises
    ------
    NotFound
        No such account in this workspace.
    """
    account = session.get(Account, account_id)
    if account is None or account.workspace_id != workspace_id:
        raise NotFound(f"no account {account_id}")
    return health_of_accounts(session, workspace_id=workspace_id, accounts=[account], as_of=as_of)[account_id]


def take_snapshots(session: Session, *, workspace_id: int, as_of: dt.datetime | None = None) -> int:
    """Store every account's health for the day of ``as_of``; again the same day replaces it.

    Returns
    -------
    int
        Number of snapshots written.
    """
    as_of = as_of or utcnow()
    healths = health_of_accounts(session, workspace_id=workspace_id, as_of=as_of)
    day = as_of.astimezone(dt.UTC).date()
    session.execute(
        delete(AccountHealthSnapshot).where(
            AccountHealthSnapshot.workspace_id == workspace_id, AccountHealthSnapshot.taken_on == day
        )
    )
    session.add_all(
        AccountHealthSnapshot(
            workspace_id=workspace_id,
            account_id=account_id,
            taken_on=day,
            as_of=as_of,
            score=h.score,
            band=h.band,
            signals=[s.to_dict() for s in h.signals],
        )
        for account_id, h in healths.items()
    )
    session.flush()
    return len(healths)


#: Background task that takes a workspace's daily snapshots (see :func:`due_snapshots`).
SNAPSHOT_TASK = "snapshot_account_health"


def due_snapshots(store: Store) -> list[tuple[str, dict[str, Any]]]:
    """Workspaces with accounts but no health snapshot for today (UTC) yet.

    The periodic sweep ``account_health`` (registered by :mod:`frontdoor.bootstrap`), so
    every account gets one snapshot a day, and its change reasons a day to compare with,
    without anyone running ``frontdoor accounts health``. :func:`take_snapshots` covers
    every account at once, so the workspace's first account stands for all of them (one
    index probe per workspace).
    """
    today = utcnow().date()
    first = (
        select(Account.workspace_id, func.min(Account.id).label("account_id"))
        .group_by(Account.workspace_id)
        .subquery()
    )
    taken = exists().where(
        AccountHealthSnapshot.account_id == first.c.account_id, AccountHealthSnapshot.taken_on == today
    )
    try:
        with store.session() as session:
            ids = session.scalars(
                select(first.c.workspace_id).where(~taken).order_by(first.c.workspace_id)
            ).all()
    except Exception:  # the sweep serves other work too; never break it
        log.exception("looking for due health snapshots failed")
        return []
    now = time.monotonic()
    failed = _failed_until.get(id(store), {})
    return [(SNAPSHOT_TASK, {"workspace_id": int(w)}) for w in ids if failed.get(int(w), 0.0) <= now]


#: Per store (by id, dropped with it), workspace -> monotonic time before which a failed
#: snapshot is not retried (this process only): the sweep runs every few seconds, a broken
#: workspace must not recompute at that pace.
_failed_until: dict[int, dict[int, float]] = {}
#: Seconds a workspace whose snapshots failed waits before the sweep tries it again.
SNAPSHOT_RETRY_AFTER = 3600.0


def snapshot_task(store: Store, *, workspace_id: int) -> int:
    """The ``snapshot_account_health`` task: today's snapshots of the workspace (how many).

    A second run the same day replaces them; a concurrent one that loses the race on the
    (account, day) key leaves the winner's rows and reports 0. A workspace whose settings
    make the computation fail is logged and left alone for :data:`SNAPSHOT_RETRY_AFTER`.
    """
    try:
        with store.session() as session:
            taken = take_snapshots(session, workspace_id=workspace_id)
    except IntegrityError:
        return 0
    except (ValidationError, NotFound) as exc:  # e.g. health settings written around the checks
        log.warning("health snapshots of workspace %s not taken: %s", workspace_id, exc)
        if id(store) not in _failed_until:
            weakref.finalize(store, _failed_until.pop, id(store), None)
        _failed_until.setdefault(id(store), {})[workspace_id] = time.monotonic() + SNAPSHOT_RETRY_AFTER
        return 0
    _failed_until.get(id(store), {}).pop(workspace_id, None)
    return taken


@dataclass(frozen=True)
class HistoryEntry:
    """A snapshot and what changed since the one before it (empty for the oldest shown)."""

    taken_on: dt.date
    score: float
    band: str
    signals: list[Signal]
    changes: list[SignalChange]


def health_history(
    session: Session, *, workspace_id: int, account_id: int, limit: int = 26
) -> list[HistoryEntry]:
    """The latest ``limit`` snapshots of an account, newest first, each with its reasons."""
    snaps = list(
        session.scalars(
            select(AccountHealthSnapshot)
            .where(
                AccountHealthSnapshot.workspace_id == workspace_id,
                AccountHealthSnapshot.account_id == account_id,
            )
            .order_by(AccountHealthSnapshot.taken_on.desc())
            .limit(limit + 1)
        )
    )
    entries: list[HistoryEntry] = []
    for i, snap in enumerate(snaps[:limit]):
        signals = [Signal.from_dict(s) for s in snap.signals or []]
        older = snaps[i + 1] if i + 1 < len(snaps) else None
        changes = compare([Signal.from_dict(s) for s in older.signals or []], signals) if older else []
        entries.append(HistoryEntry(snap.taken_on, snap.score, snap.band, signals, changes))
    return entries


def changes_since_last_snapshot(
    session: Session, *, workspace_id: int, account_id: int, current: Health
) -> tuple[HistoryEntry | None, list[SignalChange]]:
    """The latest snapshot and how the current health differs from it."""
    history = health_history(session, workspace_id=workspace_id, account_id=account_id, limit=1)
    if not history:
        return None, []
    return history[0], compare(history[0].signals, current.signals)


# --------------------------------------------------------------------------- usage import

USAGE_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class UsageImport:
    """What an import of usage figures did."""

    updated: int
    unchanged: int
    unknown: list[str]


def _find_account(session: Session, workspace_id: int, key: str, by_crm: dict[str, int]) -> int | None:
    from frontdoor.models import AccountDomain

    if key.isdigit():
        account = session.get(Account, int(key))
        if account is not None and account.workspace_id == workspace_id:
            return account.id
    if key in by_crm:
        return by_crm[key]
    domain = session.scalar(
        select(AccountDomain.account_id).where(
            AccountDomain.workspace_id == workspace_id, AccountDomain.domain == key.lower()
        )
    )
    if domain is not None:
        return int(domain)
    ids = list(
        session.scalars(select(Account.id).where(Account.workspace_id == workspace_id, Account.name == key))
    )
    return ids[0] if len(ids) == 1 else None


def import_usage(session: Session, *, workspace_id: int, path: Path) -> UsageImport:
    """Read a CSV of product usage into ``Account.attributes["usage"]``.

    Columns: ``account`` (id, CRM id, domain or exact name), ``active_users`` (whole number),
    optional ``seats`` (overrides the account's seats) and ``as_of`` (YYYY-MM-DD). The whole
    file is checked before anything is written; importing the same file twice changes nothing.

    Raises
    ------
    ValidationError
        A missing column or a bad value, naming the line.
    """
    if path.stat().st_size > USAGE_MAX_BYTES:
        raise ValidationError(f"{path.name}: larger than {USAGE_MAX_BYTES // (1024 * 1024)} MiB")
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip() for f in reader.fieldnames or []}
    missing = {"account", "active_users"} - fields
    if missing:
        raise ValidationError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    by_crm = {
        str(attrs.get("crm_id")): aid
        for aid, attrs in session.execute(
            select(Account.id, Account.attributes).where(Account.workspace_id == workspace_id)
        )
        if isinstance(attrs, dict) and attrs.get("crm_id")
    }
    parsed: list[tuple[int, dict[str, Any]]] = []
    unknown: list[str] = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        key = row.get("account", "")[:300]
        try:
            active = int(row.get("active_users", ""))
            seats = int(row["seats"]) if row.get("seats") else None
            as_of = dt.date.fromisoformat(row["as_of"]).isoformat() if row.get("as_of") else None
        except ValueError as exc:
            raise ValidationError(f"{path.name} line {line}: {exc}") from None
        if active < 0 or (seats is not None and seats <= 0):
            raise ValidationError(f"{path.name} line {line}: active_users >= 0 and seats > 0")
        account_id = _find_account(session, workspace_id, key, by_crm) if key else None
        if account_id is None:
            unknown.append(key)
            continue
        usage: dict[str, Any] = {"active_users": active}
        if seats is not None:
            usage["seats"] = seats
        if as_of is not None:
            usage["as_of"] = as_of
        parsed.append((account_id, usage))
    updated = unchanged = 0
    for account_id, usage in parsed:
        account = session.get(Account, account_id)
        assert account is not None
        attrs = dict(account.attributes or {})
        if attrs.get("usage") == usage:
            unchanged += 1
            continue
        attrs["usage"] = usage
        account.attributes = attrs  # a new dict so the JSON column is marked changed
        updated += 1
    session.flush()
    return UsageImport(updated=updated, unchanged=unchanged, unknown=unknown)


# --------------------------------------------------------------------------- settings


def save_health_settings(session: Session, *, workspace_id: int, raw: dict[str, Any]) -> dict[str, Any]:
    """Check and store ``Workspace.settings["health"]`` (health, ``priority`` and ``depth``).

    Nothing is stored unless every part is valid.

    Raises
    ------
    ValidationError
        Any part is malformed (one line naming the key).
    """
    from frontdoor.accounts.depth_score import depth_config
    from frontdoor.accounts.priority_score import priority_config

    if not isinstance(raw, dict):
        raise ValidationError("health settings: an object")
    known = {
        "weights",
        "bands",
        "window_days",
        "survey_days",
        "quiet_days",
        "problem_penalty",
        "min_answers",
        "problem_tags",
        "churn_tags",
        "sentiment_values",
        "priority",
        "depth",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError(f"health settings: unknown key(s) {', '.join(unknown)}")
    health_config(raw)
    priority_config(raw.get("priority"))
    depth_config(raw.get("depth"))
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"no workspace {workspace_id}")
    ws.settings = {**(ws.settings or {}), "health": raw}  # a new dict marks the JSON column changed
    session.flush()
    return raw
