"""What the demo's people have done with its conversations: routes, on-call reads, loops, alerts.

:func:`record_activity` runs inside the demo build's one transaction, after the content is
written, and goes through the product's own services so the pages show what they would
show in a real workspace:

* **Routing**: the generator's teams (``account-management`` and ``product`` besides the
  four defaults), an ordered list of rules, and one machine route event per conversation
  decided by :func:`frontdoor.routing.decide.decide_routes` over
  :func:`~frontdoor.routing.facts.route_facts`, at arrival. On conversations older than a
  week (the generator's confirmed routes) a CX agent then confirmed the route, or corrected
  it where the rules missed (inbound leads, self-serve questions, ...), so ``/routing``
  accuracy compares predictions with people's decisions. The events are inserted in bulk,
  with the reasons :func:`~frontdoor.routing.corrections.set_route` writes.
* **On-call**: the three engineers in a weekly rotation (the dashboard engineer holds the
  outage week; one override), and in the last weeks and the outage week the engineer on
  call read a few conversations of their queue and left notes.
* **Close the loop**: one shipped roadmap item with its messages drafted (not sent: the demo
  has no SMTP), and an older one whose contacts were told by hand (CSV export recorded).
* **Alerts** (:func:`replay_outage_alerts`, after the commit because the detector opens its
  own sessions): the spike detector replayed at times inside the outage week, recording
  alerts without delivering them (no Slack webhook or email in the demo's settings).

Times are those of the story (arrival, the agent's reply, the on-call week), never after the
window's end, which is before the build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from frontdoor.core.store import Store
from frontdoor.demo.content import KST, OUTAGE_AREA, DemoData
from frontdoor.models import (
    Conversation,
    LoopNotification,
    LoopStatus,
    RoadmapItem,
    RouteEvent,
    RouteMethod,
    User,
    Workspace,
)

Progress = Callable[[str], None]

#: Teams besides routing's four defaults that the generator's routes use.
EXTRA_TEAMS: tuple[tuple[str, str, str], ...] = (
    ("account-management", "어카운트 매니지먼트", "Account management"),
    ("product", "제품팀", "Product"),
)

#: The demo's routing rules, tried in order. They cover the clear cases; inbound leads without
#: an account and self-serve how-to questions are left to the default team, so people correct
#: those (what the accuracy page and, after ``frontdoor routing train``, the model learn from).
RULES: tuple[dict[str, Any], ...] = (
    {
        "name": "도입·견적·보안 검토는 영업 (sales leads)",
        "team": "sales",
        "tags": ["type/sales-inquiry", "type/security-review"],
    },
    {
        "name": "제휴·에이전시 제안은 파트너십",
        "team": "partnership",
        "keywords": ["제휴", "에이전시", "partnership", "agency"],
    },
    {
        "name": "유료 고객의 이탈 위험·갱신·업그레이드는 AM",
        "team": "account-management",
        "tags": ["type/churn-risk", "type/renewal", "type/upgrade"],
        "plans": ["Starter", "Growth", "Pro", "Enterprise"],
    },
    {"name": "기능 요청은 제품팀 (feature requests)", "team": "product", "tags": ["type/feature-request"]},
)

#: Notes engineers leave when they read a conversation on call (Korean and English).
ONCALL_NOTES: dict[str, tuple[str, ...]] = {
    "ko": (
        "재현됨. 원인 파악 중이라 CX에 진행 상황 공유함.",
        "같은 증상 이번 주 세 번째. 이슈로 올림.",
        "설정 문제로 보임. 도움말 링크 보강 필요.",
        "기능 요청으로 분류. 로드맵 항목에 연결함.",
        "통화 전체 들음. 고객이 말한 흐름 그대로 재현 가능.",
    ),
    "en": (
        "Reproduced; shared progress with CX while we find the cause.",
        "Third report of this this week; filed an issue.",
        "Looks like a settings problem; the help article needs a better link.",
        "Filed as a feature request and linked to the roadmap item.",
    ),
}
#: Notes on the outage's conversations, read by the engineer on call that week.
OUTAGE_NOTES: dict[str, tuple[str, ...]] = {
    "ko": (
        "INC-2026-014 건. 판매 채널 수집 배치 지연이 원인, 복구 후 재수집 확인함.",
        "INC-2026-014와 같은 원인. 고객사 데이터 재수집 완료, CX에 답변 요청함.",
        "수집 지연 중 들어온 문의. 대시보드 숫자 정상화된 것 확인함.",
    ),
    "en": (
        "INC-2026-014: the sales-channel sync batch was delayed; re-synced after the fix.",
        "Same cause as INC-2026-014; this account's data re-synced, asked CX to reply.",
    ),
}

#: Close the loop: the item whose messages are drafted, and the one told by hand (CSV).
LOOP_DRAFTED = "카카오톡 주간 리포트"
LOOP_TOLD = "자동 저장 개선"

#: Hours after the outage began at which the spike detector is replayed (it runs as
#: conversations arrive in a live workspace; these stand for a few of those moments).
ALERT_HOURS = (12, 24, 36, 48)

ONCALL_RECENT_WEEKS = 3
ONCALL_READS_PER_WEEK = 4


@dataclass(frozen=True)
class Activity:
    """Counts of what :func:`record_activity` recorded."""

    route_events: int
    corrections: int
    oncall_reads: int
    loop_drafts: int
    loop_told: int


def record_activity(
    session: Session,
    *,
    workspace_id: int,
    data: DemoData,
    user_ids: Sequence[int],
    conversation_ids: Sequence[int],
    say: Progress,
) -> Activity:
    """Routing, on-call and close-the-loop history of the demo workspace (caller commits).

    Parameters
    ----------
    session : Session
        The build's session.
    workspace_id : int
        The demo workspace.
    data : DemoData
        The generated content (conversations in the order of ``conversation_ids``).
    user_ids : sequence of int
        Ids of ``data.users``, in order.
    conversation_ids : sequence of int
        Ids of ``data.conversations``, in order.
    say : callable
        Progress lines.

    Returns
    -------
    Activity
    """
    ws = session.get(Workspace, workspace_id)
    admin = session.get(User, user_ids[0])
    if ws is None or admin is None:  # pragma: no cover - written just before in the same transaction
        raise RuntimeError("demo workspace missing")
    # Alerts are recorded and shown, never delivered: no Slack webhook, no email.
    from frontdoor.alerts.settings import AlertSettings

    ws.settings = {**(ws.settings or {}), "alerts": AlertSettings().to_dict()}
    events, corrections = _routes(session, workspace_id, admin, data, user_ids, conversation_ids)
    say(f"{events} route events ({corrections} corrected by people)")
    reads = _oncall(session, workspace_id, data, user_ids)
    say(f"on-call rotation, {reads} reads with notes")
    drafts, told = _close_loop(session, workspace_id, admin)
    say(f"close the loop: {drafts} messages drafted, {told} told by hand")
    return Activity(events, corrections, reads, drafts, told)


# ------------------------------------------------------------------------------ routing


def _routes(
    session: Session,
    workspace_id: int,
    admin: User,
    data: DemoData,
    user_ids: Sequence[int],
    conversation_ids: Sequence[int],
) -> tuple[int, int]:
    from frontdoor.demo.write import bulk_insert
    from frontdoor.routing.config import add_rule, routing_config, save_team, set_default_team
    from frontdoor.routing.decide import decide_routes
    from frontdoor.routing.facts import route_facts
    from frontdoor.tagging.texts import conversation_texts

    for key, name_ko, name_en in EXTRA_TEAMS:
        save_team(session, workspace_id=workspace_id, user=admin, key=key, name_ko=name_ko, name_en=name_en)
    set_default_team(session, workspace_id=workspace_id, user=admin, team="support")
    for rule in RULES:
        add_rule(session, workspace_id=workspace_id, user=admin, rule=rule)
    session.flush()
    cfg = routing_config(session, workspace_id=workspace_id)
    decisions = {}
    ids = list(conversation_ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        texts = conversation_texts(session, workspace_id=workspace_id, conversation_ids=chunk)
        facts = route_facts(session, workspace_id=workspace_id, conversation_ids=chunk, texts=texts)
        decisions.update(decide_routes(cfg, facts))

    by_email = {u.email: user_ids[i] for i, u in enumerate(data.users)}
    names = {user_ids[i]: u.name for i, u in enumerate(data.users)}
    cx = [user_ids[i] for i, u in enumerate(data.users) if u.role == "cx"]
    events: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    corrections = 0
    for ci, (c, cid) in enumerate(zip(data.conversations, ids, strict=True)):
        d = decisions[cid]
        events.append(
            {
                "workspace_id": workspace_id,
                "conversation_id": cid,
                "route": d.route,
                "method": d.method.value,
                "reason": d.reason[:500],
                "rule_name": d.rule_name,
                "confidence": d.confidence,
                "model_version": d.model_version,
                "previous_route": None,
                "user_id": None,
                "attributes": {},
                "created_at": c.opened_at + dt.timedelta(minutes=1),
            }
        )
        route, reason, confirmed = d.route, d.reason, False
        # The generator's route is what the team decided on conversations older than a week.
        if c.route_confirmed and c.route:
            uid = by_email.get(str(c.attributes.get("assignee"))) or cx[ci % len(cx)]
            who = names[uid]
            if c.route == d.route:
                reason = f"confirmed by {who}"
            else:
                reason = f"corrected by {who} (was {d.route})"
                corrections += 1
            replies = [m.sent_at for m in c.messages if m.author_kind == "agent"]
            decided = replies[0] if replies else c.opened_at + dt.timedelta(hours=2)
            events.append(
                {
                    "workspace_id": workspace_id,
                    "conversation_id": cid,
                    "route": c.route,
                    "method": RouteMethod.HUMAN.value,
                    "reason": reason[:500],
                    "rule_name": None,
                    "confidence": None,
                    "model_version": None,
                    "previous_route": d.route,
                    "user_id": uid,
                    "attributes": {"via": "web"},
                    "created_at": max(decided, c.opened_at + dt.timedelta(minutes=2)),
                }
            )
            route, confirmed = c.route, True
        updates.append({"cid": cid, "r": route, "why": reason[:500], "ok": confirmed})
    bulk_insert(session, RouteEvent, events)
    table = cast(Table, Conversation.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("cid"))
        .values(route=bindparam("r"), route_reason=bindparam("why"), route_confirmed=bindparam("ok")),
        updates,
    )
    return len(events), corrections


# ------------------------------------------------------------------------------ on-call


def _oncall(session: Session, workspace_id: int, data: DemoData, user_ids: Sequence[int]) -> int:
    from frontdoor.oncall.notes import mark_read
    from frontdoor.oncall.queue import queue
    from frontdoor.oncall.rotation import engineer_for, save_rotation, set_override

    engineers = [user_ids[i] for i, u in enumerate(data.users) if u.role == "engineer"]
    language = {user_ids[i]: u.language for i, u in enumerate(data.users)}
    # The first engineer (dashboard) holds the outage week; the others follow week by week.
    outage_day = data.outage_start.astimezone(KST).date()
    config = save_rotation(
        session,
        workspace_id=workspace_id,
        user=None,
        engineers=engineers,
        anchor=outage_day,
        auto_digest=False,  # the demo sends nothing by itself, whatever SMTP the machine has
    )
    last_week = (data.window_end - dt.timedelta(days=1)).astimezone(KST).date()
    last_week -= dt.timedelta(days=last_week.weekday())
    # Someone took over one week two weeks before the end (a trade, shown as an override).
    swapped = last_week - dt.timedelta(weeks=2)
    regular, _ = engineer_for(config, swapped)
    stand_in = next(e for e in engineers if e != regular)
    config = set_override(session, workspace_id=workspace_id, user=None, week=swapped, engineer_id=stand_in)
    weeks = [outage_day - dt.timedelta(days=outage_day.weekday())]
    weeks += [last_week - dt.timedelta(weeks=n) for n in range(ONCALL_RECENT_WEEKS - 1, -1, -1)]
    reads = 0
    for week in weeks:
        engineer_id, _ = engineer_for(config, week)
        engineer = session.get(User, engineer_id) if engineer_id is not None else None
        if engineer is None:
            continue
        view = queue(session, workspace_id=workspace_id, viewer=engineer, week=week)
        lang = language.get(engineer.id, "ko")
        outage = [i for i in view.items if any(p.startswith(OUTAGE_AREA) for p in i.tag_paths)]
        if week == weeks[0] and outage:
            # The outage week: its engineer reads the outage's conversations, oldest first.
            picked = sorted(outage, key=lambda item: item.opened_at)
            notes = OUTAGE_NOTES.get(lang, OUTAGE_NOTES["ko"])
        else:
            # Calls first (engineers on call listen to them), then the newest.
            picked = sorted(view.items, key=lambda item: (not item.is_call, -item.opened_at.timestamp()))
            notes = ONCALL_NOTES.get(lang, ONCALL_NOTES["ko"])
        for n, item in enumerate(picked[:ONCALL_READS_PER_WEEK]):
            row = mark_read(
                session,
                workspace_id=workspace_id,
                user=engineer,
                conversation_id=item.conversation_id,
                note=notes[(reads + n) % len(notes)],
            )
            read_at = min(item.opened_at + dt.timedelta(hours=5), data.window_end - dt.timedelta(hours=1))
            row.read_at = row.updated_at = read_at
        reads += len(picked[:ONCALL_READS_PER_WEEK])
    session.flush()
    return reads


# ------------------------------------------------------------------------ close the loop


def _close_loop(session: Session, workspace_id: int, admin: User) -> tuple[int, int]:
    from frontdoor.roadmap.close_loop.csv_export import export_csv
    from frontdoor.roadmap.close_loop.drafts import draft

    items = {
        item.title: item
        for item in session.scalars(select(RoadmapItem).where(RoadmapItem.workspace_id == workspace_id))
    }
    drafted = draft(session, workspace_id=workspace_id, item_id=items[LOOP_DRAFTED].id).created
    told_item = items[LOOP_TOLD]
    told = draft(session, workspace_id=workspace_id, item_id=told_item.id).created
    export_csv(session, workspace_id=workspace_id, item_id=told_item.id, mark_told=True, user=admin)
    # Told by hand a few days after it shipped, not at the moment of the build.
    shipped = told_item.shipped_at or dt.datetime.now(dt.UTC)
    session.execute(
        update(LoopNotification)
        .where(
            LoopNotification.workspace_id == workspace_id,
            LoopNotification.roadmap_item_id == told_item.id,
            LoopNotification.status == LoopStatus.EXPORTED,
        )
        .values(told_at=shipped + dt.timedelta(days=3), drafted_at=shipped + dt.timedelta(days=2))
    )
    session.execute(
        update(LoopNotification)
        .where(
            LoopNotification.workspace_id == workspace_id,
            LoopNotification.roadmap_item_id == items[LOOP_DRAFTED].id,
        )
        .values(drafted_at=(items[LOOP_DRAFTED].shipped_at or shipped) + dt.timedelta(hours=1))
    )
    session.expire_all()
    return drafted + told, told


# ------------------------------------------------------------------------------- alerts


def replay_outage_alerts(store: Store, *, workspace_id: int, outage_start: dt.datetime) -> int:
    """Run the spike detector at :data:`ALERT_HOURS` into the outage; record, do not deliver.

    Idempotent: an alert is unique per tag and window, and the detector's cool-down holds
    back a second one for the same tag, so a re-run records nothing new.

    Returns
    -------
    int
        Alerts recorded by this call.
    """
    from frontdoor.alerts.service import check_tags

    recorded = 0
    for hours in ALERT_HOURS:
        results = check_tags(
            store,
            workspace_id=workspace_id,
            as_of=outage_start + dt.timedelta(hours=hours),
            deliver=False,
        )
        recorded += sum(1 for r in results if r.alert_id is not None)
    return recorded
