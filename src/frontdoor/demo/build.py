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
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import Conflict
from frontdoor.core.store import Store
from frontdoor.db.base import Base, utcnow
from frontdoor.demo import names
from frontdoor.demo.activity import (
    LOOP_DRAFTED,
    LOOP_TOLD,
    RULES,
    record_activity,
    replay_outage_alerts,
)
from frontdoor.demo.content import GENERATOR_VERSION, KST, OUTAGE_AREA, SOURCES, DemoData
from frontdoor.demo.generator import generate, shift_for
from frontdoor.models import (
    Account,
    AccountDomain,
    Alert,
    Contact,
    Conversation,
    Identity,
    LoopNotification,
    Message,
    OncallRead,
    RoadmapItem,
    RouteEvent,
    Source,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
    roadmap_item_tag,
)
from frontdoor.workspace.users import hash_password

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
            written = _write(session, data, slug=slug, say=say)
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


def tour(session: Session, workspace_id: int) -> list[str]:
    """Where to look in the demo: one line per page and what it shows there.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id : int
        The demo workspace.

    Returns
    -------
    list of str
        ``"PATH: what it shows"``, PATH with the ids and weeks of this build.
    """
    from frontdoor.oncall.rotation import config_of
    from frontdoor.routing.report import routing_accuracy

    ws = session.get(Workspace, workspace_id)
    marker = dict((ws.settings or {}).get("demo") or {}) if ws is not None else {}
    incident = dict(marker.get("incident") or {})
    end = dt.datetime.fromisoformat(marker["window_end"]) if marker.get("window_end") else utcnow()
    outage = dt.datetime.fromisoformat(incident["start"]) if incident.get("start") else end
    outage_day = outage.astimezone(KST).date()
    outage_week = outage_day - dt.timedelta(days=outage_day.weekday())
    outage_tag = session.scalar(
        select(Tag.id).where(Tag.workspace_id == workspace_id, Tag.path == OUTAGE_AREA)
    )
    # The latest week an engineer read their queue (the very last week's tags are mostly
    # suggestions still waiting for a person, and the queue holds confirmed ones).
    last_read = session.scalar(
        select(func.max(OncallRead.read_at)).where(OncallRead.workspace_id == workspace_id)
    )
    read_day = (last_read or end - dt.timedelta(days=1)).astimezone(KST).date()
    read_week = read_day - dt.timedelta(days=read_day.weekday())
    items = {
        title: (item_id, status)
        for item_id, title, status in session.execute(
            select(RoadmapItem.id, RoadmapItem.title, RoadmapItem.status).where(
                RoadmapItem.workspace_id == workspace_id
            )
        )
    }
    loops = dict(
        session.execute(
            select(LoopNotification.roadmap_item_id, func.count())
            .where(LoopNotification.workspace_id == workspace_id)
            .group_by(LoopNotification.roadmap_item_id)
        ).all()
    )
    alerts = int(
        session.scalar(select(func.count()).select_from(Alert).where(Alert.workspace_id == workspace_id)) or 0
    )
    acc = routing_accuracy(session, workspace_id=workspace_id)
    tags = session.scalar(select(func.count()).select_from(Tag).where(Tag.workspace_id == workspace_id))
    dimensions = session.scalar(
        select(func.count()).select_from(TagDimension).where(TagDimension.workspace_id == workspace_id)
    )
    accuracy = f"{acc.accuracy:.0%}" if acc.accuracy is not None else "-"
    onc = config_of(ws) if ws is not None else None
    lines = [
        "/: the workspace overview (counts of conversations, accounts and tags)",
        "/conversations: every conversation with its tags, route and account (filters by tag, "
        "channel, segment, plan)",
        f"/insights?tag={outage_tag}: weekly volume of {OUTAGE_AREA}; the week of {outage_week} is "
        f"the outage ({incident.get('id', 'incident')}) spiking complaints",
        f"/alerts: {alerts} spike alerts recorded during the outage (Slack and email left empty, "
        "nothing delivered)",
        f"/routing: teams, {len(RULES)} rules and accuracy on {acc.compared:,} routes people "
        f"confirmed or corrected ({accuracy} kept as predicted); `frontdoor routing train` "
        "trains the routing model on them",
        "/roadmap: the board ranked by demand; each item shows customers' words by account",
    ]
    for title in (LOOP_DRAFTED, LOOP_TOLD):
        if title in items:
            item_id, _status = items[title]
            lines.append(
                f"/roadmap/{item_id}/loop: '{title}' shipped, {loops.get(item_id, 0)} contacts "
                + ("drafted, not sent (no SMTP here)" if title == LOOP_DRAFTED else "told by CSV export")
            )
    if onc is not None and onc.engineers:
        lines.append(
            f"/oncall?week={read_week.isoformat()}: the engineer on call that week, their queue "
            f"and read notes (also the outage week, ?week={outage_week})"
        )
    lines += [
        f"/accounts: health bands with reasons and {HEALTH_WEEKS} weeks of history, pipeline stages",
        "/accounts/priority: the accounts to meet first, every term of the ranking shown",
        "/surveys: NPS, CSAT and CES by time, team, agent, segment, plan and account",
        f"/taxonomy: {tags} tags in {dimensions} dimensions with counts and trends",
    ]
    return lines


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


def _ids(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert ``rows`` and return their new ids in the same order."""
    if not rows:
        return []
    result = session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), list(rows))
    return [int(x) for x in result.scalars().all()]


def bulk_insert(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL, a plain Core executemany elsewhere.

    The ORM's per-row bookkeeping is not needed here; on PostgreSQL, COPY spares the server
    from parsing thousands of multi-row INSERT statements (several times faster).
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, model.__table__, rows)
    else:
        session.execute(insert(model.__table__), list(rows))


def _copy(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """COPY ``rows`` into ``table`` inside the session's transaction (psycopg 3)."""
    from psycopg import sql
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    json_cols = {
        c for c in columns if isinstance(table.c[c].type.dialect_impl(session.get_bind().dialect), JSONB)
    }
    raw = session.connection().connection.driver_connection
    if raw is None:  # pragma: no cover - an open session always has a driver connection
        raise RuntimeError("no database connection")
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with raw.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row([Jsonb(row[c]) if c in json_cols else row[c] for c in columns])


def _insert_keyed(
    session: Session, model: Any, rows: Sequence[dict[str, Any]], *, workspace_id: int
) -> list[int]:
    """Bulk insert rows keyed by (source_id, external_id); return their ids in row order.

    A plain executemany plus one SELECT is much faster than INSERT .. RETURNING with ordered
    results, which SQLite can only do row by row for these tables.
    """
    if not rows:
        return []
    bulk_insert(session, model, rows)
    found = {
        (src, ext): int(pk)
        for pk, src, ext in session.execute(
            select(model.id, model.source_id, model.external_id).where(model.workspace_id == workspace_id)
        )
    }
    return [found[(r["source_id"], r["external_id"])] for r in rows]


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


@dataclass(frozen=True)
class _Written:
    workspace_id: int
    user_ids: list[int]
    conversation_ids: list[int]


def _write(session: Session, data: DemoData, *, slug: str, say: Progress) -> _Written:
    now = utcnow()
    ws = Workspace(
        slug=slug,
        name=names.WORKSPACE_NAME,
        default_language="ko",
        timezone="Asia/Seoul",
        settings={"demo": {"version": GENERATOR_VERSION, "build": BUILD_VERSION, "state": "building"}},
    )
    session.add(ws)
    session.flush()
    wid = ws.id

    # Users: one argon2 hash serves all of them (same demo password; hashing is slow on purpose).
    pw_hash = hash_password(names.DEMO_PASSWORD)
    user_ids = _ids(
        session,
        User,
        [
            {
                "workspace_id": wid,
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "password_hash": pw_hash,
                "language": u.language,
                "product_area": u.product_area,
                "is_active": True,
                "created_at": now,
            }
            for u in data.users
        ],
    )

    say("taxonomy")
    dim_ids = dict(
        zip(
            [d.key for d in data.dimensions],
            _ids(
                session,
                TagDimension,
                [
                    {
                        "workspace_id": wid,
                        "key": d.key,
                        "name_ko": d.name_ko,
                        "name_en": d.name_en,
                        "multi_label": d.multi_label,
                        "position": d.position,
                    }
                    for d in data.dimensions
                ],
            ),
            strict=True,
        )
    )
    tag_ids: dict[str, int] = {}
    # Insert level by level so each tag's parent already has an id.
    depth = max(t.path.count("/") for t in data.tags)
    for level in range(1, depth + 1):
        batch = [t for t in data.tags if t.path.count("/") == level]
        rows = [
            {
                "workspace_id": wid,
                "path": t.path,
                "parent_id": tag_ids.get(t.parent_path or ""),
                "dimension_id": dim_ids[t.dimension],
                "name_ko": t.name_ko,
                "name_en": t.name_en,
                "description": t.description,
                "keywords": list(t.keywords),
                "patterns": list(t.patterns),
                "examples": data.tag_examples.get(t.path, []),
                "status": "active",
                "created_at": now,
                "updated_at": now,
            }
            for t in batch
        ]
        tag_ids.update(zip([t.path for t in batch], _ids(session, Tag, rows), strict=True))

    say(f"{len(data.accounts)} accounts, {len(data.contacts)} contacts")
    account_ids = _ids(
        session,
        Account,
        [
            {
                "workspace_id": wid,
                "name": a.name,
                "plan": a.plan,
                "segment": a.segment,
                "arr": a.arr,
                "currency": "KRW",
                "seats": a.seats,
                "owner_id": user_ids[a.owner],
                "stage": a.stage,
                "attributes": {**a.attributes, "language": a.language},
                "created_at": now,
                "updated_at": now,
            }
            for a in data.accounts
        ],
    )
    bulk_insert(
        session,
        AccountDomain,
        [
            {"workspace_id": wid, "account_id": account_ids[i], "domain": a.domain}
            for i, a in enumerate(data.accounts)
        ],
    )
    contact_ids = _ids(
        session,
        Contact,
        [
            {
                "workspace_id": wid,
                "account_id": account_ids[c.account] if c.account is not None else None,
                "name": c.name,
                "email": c.email,
                "phone": None,
                "title": c.title,
                "is_decision_maker": c.is_decision_maker,
                "member_id": c.member_id,
                "language": c.language,
                "attributes": c.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for c in data.contacts
        ],
    )

    source_ids = dict(
        zip(
            [s[0] for s in SOURCES],
            _ids(
                session,
                Source,
                [
                    {
                        "workspace_id": wid,
                        "kind": kind,
                        "name": name,
                        "settings": {"demo": True, "channel": ch},
                        "is_active": True,
                        "last_synced_at": data.window_end,
                        "created_at": now,
                    }
                    for _key, kind, name, ch in SOURCES
                ],
            ),
            strict=True,
        )
    )
    bulk_insert(
        session,
        Identity,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids[x.source],
                "kind": "contact",
                "external_id": x.external_id,
                "account_id": None,
                "contact_id": contact_ids[x.contact],
            }
            for x in data.identities
        ],
    )

    say(f"{len(data.conversations)} conversations")
    convs = data.conversations
    conv_ids = _insert_keyed(
        session,
        Conversation,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids[c.source],
                "external_id": c.external_id,
                "account_id": account_ids[c.account] if c.account is not None else None,
                "contact_id": contact_ids[c.contact] if c.contact is not None else None,
                "channel": c.channel,
                "subject": c.subject,
                "status": c.status,
                "opened_at": c.opened_at,
                "closed_at": c.closed_at,
                "last_message_at": c.last_message_at,
                "message_count": len(c.messages),
                "language": c.language,
                "route": c.route,
                "route_reason": c.route_reason,
                "route_confirmed": c.route_confirmed,
                "content_hash": _hash(c.external_id, c.subject, c.status, len(c.messages)),
                "attributes": c.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for c in convs
        ],
        workspace_id=wid,
    )
    msg_rows: list[dict[str, Any]] = []
    for ci, c in enumerate(convs):
        for m in c.messages:
            msg_rows.append(
                {
                    "workspace_id": wid,
                    "conversation_id": conv_ids[ci],
                    "source_id": source_ids[c.source],
                    "external_id": m.external_id,
                    "author_kind": m.author_kind,
                    "author_name": m.author_name,
                    "contact_id": contact_ids[c.contact]
                    if m.from_contact and c.contact is not None
                    else None,
                    "is_internal": m.is_internal,
                    "text": m.text,
                    "text_truncated": False,
                    "language": m.language,
                    "sent_at": m.sent_at,
                    "content_hash": _hash(m.author_kind, m.text, m.sent_at.isoformat()),
                    "attributes": m.attributes,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    say(f"{len(msg_rows)} messages")
    flat_ids = _insert_keyed(session, Message, msg_rows, workspace_id=wid)
    msg_ids: list[list[int]] = []
    pos = 0
    for c in convs:
        msg_ids.append(flat_ids[pos : pos + len(c.messages)])
        pos += len(c.messages)

    assign_rows: list[dict[str, Any]] = []
    for ci, c in enumerate(convs):
        for x in c.assignments:
            scope, message_id, start, end = "", None, None, None
            if x.quote is not None:
                message_id = msg_ids[ci][x.quote[0]]
                start, end = x.quote[1], x.quote[2]
                scope = f"m{message_id}:{start}-{end}"
            assign_rows.append(
                {
                    "workspace_id": wid,
                    "conversation_id": conv_ids[ci],
                    "tag_id": tag_ids[x.tag],
                    "scope": scope,
                    "message_id": message_id,
                    "span_start": start,
                    "span_end": end,
                    "origin": x.origin,
                    "confidence": x.confidence,
                    "status": x.status,
                    "model_version": x.model_version,
                    "created_by_id": user_ids[x.created_by] if x.created_by is not None else None,
                    "decided_by_id": user_ids[x.decided_by] if x.decided_by is not None else None,
                    "decided_at": x.decided_at,
                    "attributes": {},
                    "created_at": x.created_at,
                    "updated_at": x.decided_at or x.created_at,
                }
            )
    say(f"{len(assign_rows)} tag assignments")
    bulk_insert(session, TagAssignment, assign_rows)

    say(f"{len(data.surveys)} survey responses, {len(data.roadmap)} roadmap items")
    bulk_insert(
        session,
        SurveyResponse,
        [
            {
                "workspace_id": wid,
                "source_id": source_ids["surveys"],
                "external_id": s.external_id,
                "kind": s.kind,
                "score": float(s.score),
                "scale_min": s.scale_min,
                "scale_max": s.scale_max,
                "comment": s.comment,
                "account_id": account_ids[s.account] if s.account is not None else None,
                "contact_id": contact_ids[s.contact] if s.contact is not None else None,
                "conversation_id": conv_ids[s.conversation] if s.conversation is not None else None,
                "team": s.team,
                "agent": s.agent,
                "responded_at": s.responded_at,
                "content_hash": _hash(s.kind, s.score, s.comment),
                "attributes": {},
                "created_at": now,
            }
            for s in data.surveys
        ],
    )
    item_ids = _ids(
        session,
        RoadmapItem,
        [
            {
                "workspace_id": wid,
                "title": r.title,
                "description": r.description,
                "status": r.status,
                "external_url": r.external_url,
                "strategic_weight": r.strategic_weight,
                "shipped_at": r.shipped_at,
                "created_at": now,
                "updated_at": now,
            }
            for r in data.roadmap
        ],
    )
    session.execute(
        insert(roadmap_item_tag),
        [
            {"roadmap_item_id": item_ids[i], "tag_id": tag_ids[t]}
            for i, r in enumerate(data.roadmap)
            for t in r.tags
        ],
    )

    # Completion marker last: same transaction, so it is only ever seen with all the rows.
    ws.settings = {
        "demo": {
            "version": GENERATOR_VERSION,
            "build": BUILD_VERSION,
            # Data written; the caller moves it to "alerts", then "complete".
            "state": "building",
            "window_start": data.window_start.isoformat(),
            "window_end": data.window_end.isoformat(),
            "incident": {
                "id": "INC-2026-014",
                "area": OUTAGE_AREA,
                "title": "판매 채널 데이터 수집 지연 (대시보드 데이터 지연)",
                "start": data.outage_start.isoformat(),
                "end": data.outage_end.isoformat(),
            },
        }
    }
    session.flush()
    return _Written(wid, user_ids, conv_ids)
