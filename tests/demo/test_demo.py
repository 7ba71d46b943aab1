"""The demo workspace: deterministic content, one-transaction build, idempotent re-runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from frontdoor.alerts.settings import alert_settings
from frontdoor.core.errors import Conflict
from frontdoor.core.store import Store
from frontdoor.demo import activity as demo_activity
from frontdoor.demo import phrases
from frontdoor.demo.build import ensure_demo
from frontdoor.demo.content import (
    GENERATOR_VERSION,
    KST,
    OUTAGE_AREA,
    REFERENCE_END,
    SOURCES,
    WEEKS,
    DemoData,
)
from frontdoor.demo.generator import generate, shift_for
from frontdoor.demo.tour import tour
from frontdoor.integrations.registry import kinds as adapter_kinds
from frontdoor.models import (
    Account,
    AccountDomain,
    AccountHealthSnapshot,
    Alert,
    Contact,
    Conversation,
    Identity,
    LoopNotification,
    Message,
    Notification,
    OncallRead,
    RoadmapItem,
    RouteEvent,
    RouteMethod,
    Source,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
    roadmap_item_tag,
)
from frontdoor.oncall.rotation import config_of, engineer_for, week_of
from frontdoor.roadmap.close_loop.recipients import recipients
from frontdoor.routing.config import routing_config
from frontdoor.routing.report import routing_accuracy
from frontdoor.tagging.rules import validate_keyword, validate_pattern
from frontdoor.workspace.users import authenticate
from frontdoor.workspace.workspaces import create_workspace

TODAY = dt.date(2026, 11, 22)
KST_ZONE = ZoneInfo("Asia/Seoul")


class Interrupted(Exception):
    """Stands for a crash or Ctrl-C in the middle of a build."""


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate()


def _weekly_outage_complaints(data: DemoData) -> tuple[int, float]:
    per_week: Counter[int] = Counter()
    for c in data.conversations:
        tags = {a.tag for a in c.assignments if a.status != "rejected"}
        if "type/complaint" in tags and OUTAGE_AREA in tags:
            per_week[(c.opened_at - data.window_start).days // 7] += 1
    weeks = [per_week.get(w, 0) for w in range(WEEKS)]
    return per_week[(data.outage_start - data.window_start).days // 7], statistics.median(weeks)


def test_generator_is_deterministic_and_shifts_only_time(data: DemoData) -> None:
    shifted = generate(shift_weeks=3)
    assert shifted.digest() == data.digest()
    assert shifted.window_start - data.window_start == dt.timedelta(weeks=3)
    assert [m.text for m in shifted.conversations[7].messages] == [
        m.text for m in data.conversations[7].messages
    ]


def test_shift_keeps_the_window_in_the_past(data: DemoData) -> None:
    # Unshifted, the window ends at Monday 00:00 KST after REFERENCE_END: 15:00 UTC that Sunday.
    assert data.window_end == dt.datetime.combine(REFERENCE_END, dt.time(15), tzinfo=dt.UTC)
    for offset in range(14):
        today = REFERENCE_END + dt.timedelta(days=300 + offset)
        weeks = shift_for(today)
        last_sunday = REFERENCE_END + dt.timedelta(weeks=weeks)
        assert 1 <= (today - last_sunday).days <= 7
        # Before the build day began in UTC, so before any moment of it.
        assert data.window_end + dt.timedelta(weeks=weeks) < dt.datetime.combine(
            today, dt.time(0), tzinfo=dt.UTC
        )


def test_generated_content_meets_the_brief(data: DemoData) -> None:
    assert len(data.accounts) >= 300
    assert len(data.conversations) >= 5000
    assert len(data.tags) >= 150
    assert len({t.dimension for t in data.tags}) >= 3
    assert {s.kind for s in data.surveys} == {"nps", "csat", "ces"}
    assert 15 <= len(data.roadmap) <= 25 and all(r.tags for r in data.roadmap)
    assert all(1 <= sum(1 for c in data.contacts if c.account == i) <= 5 for i in range(len(data.accounts)))
    assert len({a.domain for a in data.accounts}) == len(data.accounts)
    langs = Counter(c.language for c in data.conversations)
    assert 0.70 <= langs["ko"] / len(data.conversations) <= 0.95
    assert langs["en"] > 0 and langs["mixed"] > 0
    assert {c.channel for c in data.conversations} == {"chat", "email", "call", "slack"}
    # Text is varied, not a handful of canned lines.
    customer_texts = {m.text for c in data.conversations for m in c.messages if m.author_kind == "customer"}
    assert len(customer_texts) > 2000


def test_taxonomy_rules_are_accepted_by_the_rule_engine(data: DemoData) -> None:
    for tag in data.tags:
        for pattern in tag.patterns:
            validate_pattern(pattern)
        for keyword in tag.keywords:
            validate_keyword(keyword)
        assert tag.name_ko and tag.name_en and tag.description and data.tag_examples[tag.path]
    kinds = set(adapter_kinds())
    assert {kind for _key, kind, _name, _ch in SOURCES} <= kinds


def test_messages_are_stored_as_ingest_would(data: DemoData) -> None:
    seen: set[tuple[str, str]] = set()
    paths = {t.path for t in data.tags}
    rules = {t.path: re.compile(t.patterns[0]) for t in data.tags if t.patterns}
    for c in data.conversations:
        times = [m.sent_at for m in c.messages]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert data.window_start <= c.opened_at == times[0] and times[-1] <= data.window_end
        assert c.closed_at is None or c.closed_at >= times[-1]
        assert c.messages[0].author_kind in ("customer", "bot", "agent")
        if c.status == "closed":
            assert {m.author_kind for m in c.messages} >= {"customer", "agent"}
        langs = {m.language for m in c.messages if not m.is_internal}
        assert (c.language == "mixed") == (len(langs) > 1)
        for m in c.messages:
            assert unicodedata.is_normalized("NFC", m.text) and m.text
            assert "{" not in m.text and "}" not in m.text  # every slot filled
            assert (c.source, m.external_id) not in seen
            seen.add((c.source, m.external_id))
        customer = " ".join(m.text for m in c.messages if m.author_kind == "customer")
        for a in c.assignments:
            assert a.tag in paths
            if a.origin == "rule":
                assert rules[a.tag].search(customer), (a.tag, customer)
            if a.quote is not None:
                i, start, end = a.quote
                quote = c.messages[i].text[start:end]
                assert c.messages[i].author_kind == "customer" and quote.strip() == quote and len(quote) > 5


def test_tags_follow_age_and_channel_volume_has_weekly_seasonality(data: DemoData) -> None:
    old = [
        a
        for c in data.conversations
        if data.window_end - c.opened_at > dt.timedelta(days=30)
        for a in c.assignments
    ]
    recent = [
        a
        for c in data.conversations
        if data.window_end - c.opened_at < dt.timedelta(days=5)
        for a in c.assignments
    ]
    assert sum(a.status == "confirmed" for a in old) / len(old) > 0.9
    assert sum(a.status == "suggested" for a in recent) / len(recent) > 0.9
    assert all(a.confidence is not None for a in recent if a.origin == "model")
    by_weekday: Counter[int] = Counter()
    for c in data.conversations:
        by_weekday[c.opened_at.astimezone(KST).weekday()] += 1
    assert max(by_weekday[5], by_weekday[6]) * 2 < min(by_weekday[d] for d in range(5))


def test_outage_week_spikes(data: DemoData) -> None:
    outage, median = _weekly_outage_complaints(data)
    assert median >= 1
    assert outage >= 3 * median


def test_shipped_fix_reduces_the_demand_it_answered(data: DemoData) -> None:
    item = next(r for r in data.roadmap if r.title == "엑셀 다운로드 안정화")
    assert item.status == "shipped" and item.shipped_at is not None
    before, after = Counter(), Counter()
    for c in data.conversations:
        tags = {a.tag for a in c.assignments if a.status != "rejected"}
        if {"area/dashboard/export", "type/bug"} <= tags:
            (before if c.opened_at < item.shipped_at else after)[c.opened_at.isocalendar()[:2]] += 1
    weeks_before = (item.shipped_at - data.window_start).days / 7
    weeks_after = (data.window_end - item.shipped_at).days / 7
    assert sum(after.values()) / weeks_after < 0.6 * sum(before.values()) / weeks_before


def test_bigger_accounts_talk_about_business_goals(data: DemoData) -> None:
    goal_share: dict[str, list[int]] = defaultdict(list)
    dm_in_goal = []
    for c in data.conversations:
        if c.account is None:
            continue
        has_goal = any(a.tag.startswith("goal/") for a in c.assignments)
        goal_share[data.accounts[c.account].plan].append(int(has_goal))
        if has_goal:
            dm_in_goal.append(data.contacts[c.contact or 0].is_decision_maker)
    assert statistics.mean(goal_share["Enterprise"]) > 3 * max(statistics.mean(goal_share["Starter"]), 0.01)
    # A goal tag means the customer said the goal, in either language.
    goal_rx = {
        path: [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(t))) for t in (ko, en)]
        for path, ko, en in phrases.GOALS
    }
    for c in data.conversations:
        said = " ".join(m.text for m in c.messages if m.author_kind == "customer")
        for a in c.assignments:
            if a.tag.startswith("goal/"):
                assert any(rx.search(said) for rx in goal_rx[a.tag]), (a.tag, said)
    assert statistics.mean(dm_in_goal) > 0.4
    dm_by_size: dict[bool, list[bool]] = defaultdict(list)
    for c in data.conversations:
        if c.account is not None and c.contact is not None:
            big = data.accounts[c.account].plan in ("Pro", "Enterprise")
            dm_by_size[big].append(data.contacts[c.contact].is_decision_maker)
    assert statistics.mean(dm_by_size[True]) > statistics.mean(dm_by_size[False])


def _counts(store: Store, workspace_id: int) -> dict[str, int]:
    models = [
        Account,
        AccountDomain,
        Contact,
        Identity,
        Source,
        Conversation,
        Message,
        Tag,
        TagDimension,
        TagAssignment,
        SurveyResponse,
        RoadmapItem,
        User,
        RouteEvent,
        Alert,
        LoopNotification,
        OncallRead,
        AccountHealthSnapshot,
        Notification,
    ]
    with store.session() as s:
        out = {
            m.__name__: s.scalar(select(func.count()).select_from(m).where(m.workspace_id == workspace_id))
            or 0
            for m in models
        }
        out["links"] = s.scalar(select(func.count()).select_from(roadmap_item_tag)) or 0
        out["workspaces"] = s.scalar(select(func.count()).select_from(Workspace)) or 0
    return out


def _conversation_count(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Conversation)) or 0


def _content_digest(rows: list[tuple[str, str, str]]) -> str:
    h = hashlib.sha256()
    for row in sorted(rows):
        h.update("\x1f".join(row).encode() + b"\x1e")
    return h.hexdigest()


def test_ensure_demo_builds_once_survives_interruption_and_is_idempotent(
    store: Store, data: DemoData
) -> None:
    # A half-built demo from an earlier run: marked, incomplete, with a stray row.
    with store.session() as s:
        ws = create_workspace(s, slug="demo", name="old demo")
        ws.settings = {"demo": {"version": GENERATOR_VERSION, "state": "building"}}
        s.add(Account(workspace_id=ws.id, name="stale", arr=0))

    # A build interrupted half-way (after conversations, before messages) leaves nothing.
    def interrupt(msg: str) -> None:
        if msg.endswith("messages"):
            raise Interrupted

    with pytest.raises(Interrupted):
        ensure_demo(store, progress=interrupt, today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Workspace)) == 0
        assert s.scalar(select(func.count()).select_from(Conversation)) == 0

    # A build stopped while the spike detector replays the outage keeps its data (committed,
    # marked "alerts"); the next run only finishes the replay, recording no alert twice.
    lines: list[str] = []

    def stop_in_replay(msg: str) -> None:
        lines.append(msg)
        if "spike alerts" in msg:
            raise Interrupted

    with pytest.raises(Interrupted):
        ensure_demo(store, progress=stop_in_replay, today=TODAY)
    with store.session() as s:
        marker = s.scalar(select(Workspace.settings).where(Workspace.slug == "demo"))["demo"]
        assert marker["state"] == "alerts"
        alerts_before = s.scalar(select(func.count()).select_from(Alert)) or 0
    assert alerts_before > 0
    resumed = ensure_demo(store, progress=lines.append, today=TODAY)
    assert not resumed.created and lines[-1] == "0 spike alerts recorded in the outage week (not delivered)"
    info = resumed
    assert info.workspace_slug == "demo" and any("route events" in line for line in lines)
    assert f"{_conversation_count(store):,} conversations" in info.summary
    first = _counts(store, info.workspace_id)
    assert first["workspaces"] == 1
    assert first["Account"] >= 300 and first["Conversation"] >= 5000 and first["Tag"] >= 150
    assert first["TagDimension"] >= 3 and first["Source"] == 5 and first["links"] >= first["RoadmapItem"]

    # The database holds exactly the generated text (the build date moves only timestamps).
    expected = _content_digest(
        [(c.source, m.external_id, m.text) for c in data.conversations for m in c.messages]
    )
    with store.session() as s:
        keys = dict(s.execute(select(Source.id, Source.kind)).all())
        by_kind = {kind: key for key, kind, _name, _ch in SOURCES}
        stored = [
            (by_kind[keys[src]], ext, text)
            for src, ext, text in s.execute(select(Message.source_id, Message.external_id, Message.text))
        ]
        linked = s.scalar(select(func.count(func.distinct(roadmap_item_tag.c.roadmap_item_id))))
    assert _content_digest(stored) == expected
    assert linked == first["RoadmapItem"]

    again = ensure_demo(store, today=TODAY + dt.timedelta(days=30))
    assert not again.created and again.workspace_id == info.workspace_id
    assert _counts(store, info.workspace_id) == first
    assert first["Alert"] == alerts_before
    _check_activity(store, info.workspace_id, data)

    wid = info.workspace_id
    with store.session() as s:
        ws = s.get(Workspace, wid)
        assert ws is not None
        marker = ws.settings["demo"]
        assert marker["state"] == "complete"
        assert authenticate(s, email=info.email, password=info.password).workspace_id == wid
        assert s.scalar(select(func.count()).where(Account.name == "stale")) == 0
        kinds = set(
            s.scalars(select(SurveyResponse.kind).where(SurveyResponse.workspace_id == wid).distinct())
        )
        assert {str(k) for k in kinds} == {"nps", "csat", "ces"}
        # Stored counters agree with the messages.
        per_conv = dict(
            s.execute(select(Message.conversation_id, func.count()).group_by(Message.conversation_id)).all()
        )
        for cid, count, last in s.execute(
            select(Conversation.id, Conversation.message_count, Conversation.last_message_at)
        ):
            assert per_conv[cid] == count
            assert last is not None
        end = dt.datetime.fromisoformat(marker["window_end"])
        assert end.date() <= TODAY + dt.timedelta(days=1)
        # Korean share and the outage spike, measured in the database.
        total = s.scalar(select(func.count()).select_from(Conversation)) or 1
        ko = s.scalar(select(func.count()).where(Conversation.language == "ko")) or 0
        assert 0.70 <= ko / total <= 0.95
        complaint, area = aliased(TagAssignment), aliased(TagAssignment)
        ct, at = aliased(Tag), aliased(Tag)
        opened = s.scalars(
            select(Conversation.opened_at)
            .join(complaint, complaint.conversation_id == Conversation.id)
            .join(ct, (ct.id == complaint.tag_id) & (ct.path == "type/complaint"))
            .join(area, area.conversation_id == Conversation.id)
            .join(at, (at.id == area.tag_id) & (at.path == OUTAGE_AREA))
            .where(complaint.scope == "", area.scope == "", Conversation.workspace_id == wid)
        ).all()
        start = dt.datetime.fromisoformat(marker["window_start"])
        weeks = Counter((o - start).days // 7 for o in opened)
        outage_week = (dt.datetime.fromisoformat(marker["incident"]["start"]) - start).days // 7
        median = statistics.median(weeks.get(w, 0) for w in range(WEEKS))
        assert weeks[outage_week] >= 3 * max(median, 1)


def _check_activity(store: Store, wid: int, data: DemoData) -> None:
    """Routes, alerts, on-call and close the loop of a built demo, against the generated content."""
    with store.session() as s:
        ws = s.get(Workspace, wid)
        assert ws is not None
        marker = ws.settings["demo"]
        end = dt.datetime.fromisoformat(marker["window_end"])
        shift = end - data.window_end
        # Nothing in the future: the window ended before the build day began.
        assert end < dt.datetime.combine(TODAY, dt.time(0), tzinfo=dt.UTC)
        latest = [
            s.scalar(select(func.max(Message.sent_at)).where(Message.workspace_id == wid)),
            s.scalar(select(func.max(Conversation.last_message_at)).where(Conversation.workspace_id == wid)),
            s.scalar(select(func.max(RouteEvent.created_at)).where(RouteEvent.workspace_id == wid)),
            s.scalar(select(func.max(OncallRead.read_at)).where(OncallRead.workspace_id == wid)),
            s.scalar(select(func.max(Alert.window_end)).where(Alert.workspace_id == wid)),
            s.scalar(select(func.max(SurveyResponse.responded_at)).where(SurveyResponse.workspace_id == wid)),
        ]
        assert all(t is not None and t <= end for t in latest), latest

        # Routing: every team the generator routes to exists; one machine decision per
        # conversation at arrival; a person's decision on each route the generator confirmed.
        cfg = routing_config(s, workspace_id=wid)
        assert {c.route for c in data.conversations if c.route} <= set(cfg.team_keys)
        assert len(cfg.rules) == len(demo_activity.RULES)
        truth = {
            (c.source, c.external_id): c.route for c in data.conversations if c.route_confirmed and c.route
        }
        by_kind = {kind: key for key, kind, _name, _ch in SOURCES}
        kinds = dict(s.execute(select(Source.id, Source.kind)).all())
        conv_key = {
            cid: (by_kind[kinds[src]], ext)
            for cid, src, ext in s.execute(
                select(Conversation.id, Conversation.source_id, Conversation.external_id).where(
                    Conversation.workspace_id == wid
                )
            )
        }
        events: dict[int, list[RouteEvent]] = defaultdict(list)
        for e in s.scalars(
            select(RouteEvent).where(RouteEvent.workspace_id == wid).order_by(RouteEvent.created_at)
        ):
            events[e.conversation_id].append(e)
        assert set(events) == set(conv_key)
        corrected = 0
        for cid, evs in events.items():
            machine = [e for e in evs if e.method != RouteMethod.HUMAN]
            human = [e for e in evs if e.method == RouteMethod.HUMAN]
            assert len(machine) == 1 and len(human) == (1 if conv_key[cid] in truth else 0)
            if human:
                h = human[0]
                assert h.route == truth[conv_key[cid]] and h.previous_route == machine[0].route
                assert h.created_at > machine[0].created_at and h.user_id is not None
                assert h.reason.startswith("confirmed by" if h.route == h.previous_route else "corrected by")
                corrected += h.route != h.previous_route
        convs = {c.id: c for c in s.scalars(select(Conversation).where(Conversation.workspace_id == wid))}
        for cid, c in convs.items():
            assert c.route == events[cid][-1].route and c.route_confirmed == (conv_key[cid] in truth)
        acc = routing_accuracy(s, workspace_id=wid)
        assert acc.decided == acc.compared == len(truth)
        assert acc.correct == len(truth) - corrected and 0 < corrected < len(truth)

        # Alerts: the outage week shows, recorded from the replay and sent nowhere.
        assert alert_settings(ws).slack_webhook_url is None and alert_settings(ws).email == ()
        start = dt.datetime.fromisoformat(marker["incident"]["start"])
        stop = dt.datetime.fromisoformat(marker["incident"]["end"])
        outage_alerts = s.execute(
            select(Tag.path, Alert.window_end, Alert.observed, Alert.expected)
            .join(Tag, Tag.id == Alert.tag_id)
            .where(Alert.workspace_id == wid)
        ).all()
        assert all(start < w_end <= stop for _p, w_end, _o, _e in outage_alerts)
        assert any(p == OUTAGE_AREA and o > 2 * e for p, _w, o, e in outage_alerts)
        assert s.scalar(select(func.count()).select_from(Notification)) == 0

        # On-call: the engineers in a rotation, the dashboard engineer on the outage week,
        # reads of conversations in the reader's area during that week, each with a note.
        engineers = [
            u
            for u in s.scalars(select(User).where(User.workspace_id == wid).order_by(User.id))
            if str(u.role) == "engineer"
        ]
        config = config_of(ws)
        assert list(config.engineers) == [u.id for u in engineers] and len(engineers) >= 2
        assert all(u.product_area for u in engineers) and not config.auto_digest
        outage_week = week_of(start, tz=KST_ZONE)
        on_call, _ = engineer_for(config, outage_week)
        assert s.get(User, on_call).product_area == "area/dashboard"  # type: ignore[union-attr]
        reads = list(s.scalars(select(OncallRead).where(OncallRead.workspace_id == wid)))
        assert len(reads) >= 8 and all(r.note for r in reads)
        assert any(week_of(convs[r.conversation_id].opened_at, tz=KST_ZONE) == outage_week for r in reads)
        area_of = {u.id: u.product_area for u in engineers}
        for r in reads:
            conv = convs[r.conversation_id]
            week = week_of(conv.opened_at, tz=KST_ZONE)
            assert engineer_for(config, week)[0] == r.user_id
            assert conv.opened_at < r.read_at <= end
            paths = s.scalars(
                select(Tag.path)
                .join(TagAssignment, TagAssignment.tag_id == Tag.id)
                .where(TagAssignment.conversation_id == conv.id, TagAssignment.status == "confirmed")
            ).all()
            assert any(p.startswith(f"{area_of[r.user_id]}") for p in paths)
            if week == outage_week:  # the outage's own conversations, read that week
                assert any(p.startswith(OUTAGE_AREA) for p in paths)
                assert r.note in demo_activity.OUTAGE_NOTES["ko"] + demo_activity.OUTAGE_NOTES["en"]

        # Close the loop: one item drafted for everyone who asked, one told by CSV export.
        items = {i.title: i for i in s.scalars(select(RoadmapItem).where(RoadmapItem.workspace_id == wid))}
        for title, status in ((demo_activity.LOOP_DRAFTED, "drafted"), (demo_activity.LOOP_TOLD, "exported")):
            item = items[title]
            asked = recipients(s, workspace_id=wid, item_id=item.id)
            rows = list(
                s.scalars(select(LoopNotification).where(LoopNotification.roadmap_item_id == item.id))
            )
            assert asked and sorted(r.contact_id for r in rows) == sorted(r.contact_id for r in asked)
            assert {str(r.status) for r in rows} == {status}
            assert all((r.told_at is not None) == (status == "exported") for r in rows)
            assert all(item.shipped_at is not None and item.shipped_at < r.drafted_at <= end for r in rows)
        others = {
            i.id for t, i in items.items() if t not in (demo_activity.LOOP_DRAFTED, demo_activity.LOOP_TOLD)
        }
        assert not s.scalar(select(func.count()).where(LoopNotification.roadmap_item_id.in_(others)))

        # The tour names each page with this build's ids and weeks.
        stops = tour(s, wid)
        text = "\n".join(stops)
        for page in ("/alerts:", "/routing:", "/accounts", "/surveys:", "/insights?tag=", "/roadmap:"):
            assert page in text
        assert f"/roadmap/{items[demo_activity.LOOP_DRAFTED].id}/loop:" in text
        assert f"{len(outage_alerts)} spike alerts" in text
        assert f"?week={outage_week.isoformat()}" in text
        assert shift == dt.timedelta(weeks=shift_for(TODAY))


def test_ensure_demo_leaves_a_foreign_demo_workspace_alone(store: Store) -> None:
    with store.session() as s:
        create_workspace(s, slug="demo", name="our real workspace")
    with pytest.raises(Conflict):
        ensure_demo(store, today=TODAY)
    with store.session() as s:
        assert s.scalar(select(Workspace.name).where(Workspace.slug == "demo")) == "our real workspace"
