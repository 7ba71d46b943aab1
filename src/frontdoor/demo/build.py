"""The demo workspace behind ``frontdoor demo``: a Korean B2B SaaS, built idempotently.

:func:`ensure_demo` writes what :func:`frontdoor.demo.generator.generate` produces into the
store in ONE transaction, together with what the team did with it
(:func:`frontdoor.demo.activity.record_activity`: routes and corrections, the
on-call rotation and notes, close-the-loop messages, six weekly health snapshots), so an
interrupted build leaves nothing behind. That transaction marks the workspace
``state: "alerts"``; the spike detector then replays the outage week through the alert
service (which opens its own sessions, so it cannot join the transaction) and the marker
becomes ``"complete"``. A run that finds ``"alerts"`` (a crash during the replay, or a
concurrent build) only finishes the replay, which records each alert once.

The workspace's ``settings["demo"]`` records the generator and build versions; a later run
that finds a complete one returns at once (``created=False``). A ``demo`` workspace whose
marker says anything else (a build from an older generator or build, or one left half-way
by a crash of an earlier version) is deleted and rebuilt; a workspace called ``demo``
without a marker is someone's real data and is never touched.

The content is fixed (seeded); only the calendar moves: the generator's 26-week reference
window is shifted by whole weeks so it ends 1-7 days before the build date (a UTC day),
never after the moment of the build: see :func:`frontdoor.demo.generator.shift_for`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict
from frontdoor.core.store import Store
from frontdoor.db.base import Base, utcnow
from frontdoor.demo import names
from frontdoor.demo.activity import (
    record_activity,
    replay_outage_alerts,
)
from frontdoor.demo.content import GENERATOR_VERSION
from frontdoor.demo.generator import generate, shift_for
from frontdoor.demo.write import write_content
from frontdoor.models import (
    Account,
    Alert,
    Contact,
    Conversation,
    LoopNotification,
    Message,
    OncallRead,
    RoadmapItem,
    RouteEvent,
    SurveyResponse,
    Tag,
    TagAssignment,
    Workspace,
    roadmap_item_tag,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoInfo:
    """What ``frontdoor demo`` prints."""

    workspace_id: int
    workspace_slug: str
    email: str
    password: str
    created: bool
    summary: str


def ensure_demo(
    store: Store,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
    slug: str = names.WORKSPACE_SLUG,
) -> DemoInfo:
    """Create the demo workspace unless a complete one exists.

    Parameters
    ----------
    store : Store
        The open store; the build commits once, at the end.
    progress : callable, optional
        Called with short human-readable lines while building.
    today : datetime.date, optional
        Build date that anchors the calendar (default: today in UTC). Content does not depend on it.
    slug : str
        Workspace slug (``demo``).

    Returns
    -------
    DemoInfo
        Slug, admin login, whether it was created now, and a one-line summary of counts.

    Raises
    ------
    Conflict
        When a workspace with this slug exists and is not a demo workspace.
    """
    say = progress or (lambda _msg: None)
    resume: int | None = None
    with store.session() as session:
        ws = session.scalar(select(Workspace).where(Workspace.slug == slug))
        if ws is not None:
            marker = (ws.settings or {}).get("demo")
            if not isinstance(marker, dict):
                raise Conflict(f"workspace {slug!r} exists and is not a demo workspace; leaving it alone")
            state = _state(marker)
            if state == COMPLETE:
                return DemoInfo(
                    ws.id, slug, names.ADMIN_EMAIL, names.DEMO_PASSWORD, False, summarize(session, ws.id)
                )
            if state != ALERTS_PENDING:
                say(f"removing an incomplete or outdated demo workspace '{slug}'")
                delete_workspace_rows(session, workspace_id=ws.id)
            else:
                resume = ws.id
    if resume is not None:
        say("finishing the demo build: replaying the outage through the spike detector")
        _finish(store, resume, say)
        with store.session() as session:
            return DemoInfo(
                resume, slug, names.ADMIN_EMAIL, names.DEMO_PASSWORD, False, summarize(session, resume)
            )

    started = time.perf_counter()
    shift = shift_for(today or utcnow().date())
    say("generating demo content (Growboard, 26 weeks)")
    data = generate(shift_weeks=shift)
    try:
        with store.session() as session:
            written = write_content(session, data, slug=slug, build_version=BUILD_VERSION, say=say)
            ws_id = written.workspace_id
            _health_history(session, ws_id, data.window_end, say)
            record_activity(
                session,
                workspace_id=ws_id,
                data=data,
                user_ids=written.user_ids,
                conversation_ids=written.conversation_ids,
                say=say,
            )
            _set_state(session, ws_id, ALERTS_PENDING)
    except IntegrityError:
        # Another process built the demo at the same moment: use theirs once its data is in.
        with store.session() as session:
            ws = session.scalar(select(Workspace).where(Workspace.slug == slug))
            marker = (ws.settings or {}).get("demo") if ws is not None else None
            if ws is None or _state(marker) not in (COMPLETE, ALERTS_PENDING):
                raise
            ws_id = ws.id
        _finish(store, ws_id, say)
        with store.session() as session:
            return DemoInfo(
                ws_id, slug, names.ADMIN_EMAIL, names.DEMO_PASSWORD, False, summarize(session, ws_id)
            )
    _finish(store, ws_id, say)
    with store.session() as session:
        summary = summarize(session, ws_id)
    say(f"demo workspace built in {time.perf_counter() - started:.1f}s")
    return DemoInfo(ws_id, slug, names.ADMIN_EMAIL, names.DEMO_PASSWORD, True, summary)


#: Version of what the build adds to the generated content (routes, on-call, loop, alerts);
#: a demo built by an older build is rebuilt.
BUILD_VERSION = 2
ALERTS_PENDING = "alerts"
COMPLETE = "complete"


def _state(marker: object) -> str | None:
    """The build state of a demo marker of this generator and build (None: outdated or foreign)."""
    if not isinstance(marker, dict):
        return None
    if marker.get("version") != GENERATOR_VERSION or marker.get("build") != BUILD_VERSION:
        return None
    state = marker.get("state")
    return str(state) if state in (ALERTS_PENDING, COMPLETE) else None


def _set_state(session: Session, workspace_id: int, state: str) -> None:
    ws = session.get(Workspace, workspace_id)
    if ws is None:  # pragma: no cover - the caller holds its id
        raise RuntimeError("demo workspace missing")
    settings = dict(ws.settings or {})
    settings["demo"] = {**settings.get("demo", {}), "state": state}
    ws.settings = settings  # a new dict, so the JSON column is marked changed
    session.flush()


def _finish(store: Store, workspace_id: int, say: Progress) -> None:
    """Replay the outage through the spike detector, then mark the demo complete."""
    with store.session() as session:
        ws = session.get(Workspace, workspace_id)
        marker = (ws.settings or {}).get("demo") if ws is not None else None
        if not isinstance(marker, dict):  # pragma: no cover - checked by the callers
            raise RuntimeError("demo workspace missing")
        if marker.get("state") == COMPLETE:
            return
        outage_start = dt.datetime.fromisoformat(marker["incident"]["start"])
    recorded = replay_outage_alerts(store, workspace_id=workspace_id, outage_start=outage_start)
    say(f"{recorded} spike alerts recorded in the outage week (not delivered)")
    with store.session() as session:
        _set_state(session, workspace_id, COMPLETE)


#: Weekly account health snapshots taken at the end of the build, so account pages show history.
HEALTH_WEEKS = 6


def _health_history(session: Session, workspace_id: int, end: dt.datetime, say: Progress) -> None:
    """Snapshot every account's health weekly up to the window's end (same transaction)."""
    from frontdoor.accounts.health import take_snapshots

    for weeks in range(HEALTH_WEEKS - 1, -1, -1):
        take_snapshots(session, workspace_id=workspace_id, as_of=end - dt.timedelta(weeks=weeks))
    say(f"account health snapshots for the last {HEALTH_WEEKS} weeks")


def summarize(session: Session, workspace_id: int) -> str:
    """One line with the main counts of a workspace."""

    def count(model: Any) -> int:
        return int(
            session.scalar(select(func.count()).select_from(model).where(model.workspace_id == workspace_id))
            or 0
        )

    return (
        f"{count(Account):,} accounts, {count(Contact):,} contacts, {count(Conversation):,} conversations, "
        f"{count(Message):,} messages, {count(Tag):,} tags, {count(TagAssignment):,} tag assignments, "
        f"{count(SurveyResponse):,} survey responses, {count(RoadmapItem):,} roadmap items, "
        f"{count(RouteEvent):,} route events, {count(Alert):,} alerts, "
        f"{count(LoopNotification):,} close-the-loop messages, {count(OncallRead):,} on-call reads"
    )


def delete_workspace_rows(session: Session, *, workspace_id: int) -> None:
    """Delete a workspace and everything in it, children first (no reliance on cascades)."""
    items = select(RoadmapItem.id).where(RoadmapItem.workspace_id == workspace_id)
    session.execute(delete(roadmap_item_tag).where(roadmap_item_tag.c.roadmap_item_id.in_(items)))
    # Self-references and cross-references that would block deleting parents first.
    session.execute(
        update(Tag).where(Tag.workspace_id == workspace_id).values(parent_id=None, merged_into_id=None)
    )
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == "workspace" or "workspace_id" not in table.c:
            continue
        session.execute(delete(table).where(table.c.workspace_id == workspace_id))
    session.execute(delete(Workspace).where(Workspace.id == workspace_id))
    session.flush()
