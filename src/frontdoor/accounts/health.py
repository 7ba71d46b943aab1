"""Account health: score accounts, keep daily snapshots, explain changes, store the settings.

The arithmetic lives in :mod:`frontdoor.accounts.health_score`, the queries that gather
each signal's data in :mod:`frontdoor.accounts.health_inputs`, the usage figures' import in
:mod:`frontdoor.accounts.usage`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.accounts.health_inputs import collect_health_inputs
from frontdoor.accounts.health_score import (
    Health,
    HealthConfig,
    Signal,
    SignalChange,
    compare,
    compute_health,
    health_config,
)
from frontdoor.accounts.listing import load_account
from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.models import Account, AccountHealthSnapshot, Workspace

if TYPE_CHECKING:
    from frontdoor.core.store import Store

log = logging.getLogger(__name__)


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
    account = load_account(session, workspace_id=workspace_id, account_id=account_id)
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
