"""On-call: rotation with overrides and swaps, the area queue, read with notes, digest sent once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from frontdoor.core.errors import NotFound, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Channel,
    Conversation,
    Message,
    Notification,
    OncallDigest,
    OncallRead,
    Origin,
    Role,
    Source,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
)
from frontdoor.notifications import send as notifications
from frontdoor.oncall.digest import build_digest, last_week
from frontdoor.oncall.digest_delivery import due_digests, send_digest, send_digest_task
from frontdoor.oncall.notes import mark_read
from frontdoor.oncall.queue import queue
from frontdoor.oncall.rotation import save_rotation, schedule, set_override, swap_weeks, week_bounds, week_of
from frontdoor.workspace.users import create_user
from local_servers import HttpSink, SmtpSink, drain, drop_queue, prepare_queue

SEOUL = ZoneInfo("Asia/Seoul")
KST = dt.timezone(dt.timedelta(hours=9))
MON_23, MON_30, MON_07, MON_14, MON_16 = (
    dt.date(2026, 11, 23),
    dt.date(2026, 11, 30),
    dt.date(2026, 12, 7),
    dt.date(2026, 12, 14),
    dt.date(2026, 11, 16),
)


@dataclass
class Team:
    workspace_id: int
    admin: User
    a: User  # engineer, area/dashboard
    b: User  # engineer, area/editor
    c: User  # engineer, no area
    cx: User


def _member(s, workspace_id: int, email: str, role: Role, area: str | None) -> User:  # type: ignore[no-untyped-def]
    u = create_user(s, workspace_id=workspace_id, email=email, role=role, name=email.split("@")[0])
    u.product_area = area
    s.flush()
    return u


@pytest.fixture
def team(store: Store, workspace: Workspace) -> Team:
    with store.session() as s:
        admin = s.scalars(
            select(User).where(User.workspace_id == workspace.id, User.role == Role.ADMIN)
        ).one()
        a = _member(s, workspace.id, "a@team.example", Role.ENGINEER, "area/dashboard")
        b = _member(s, workspace.id, "b@team.example", Role.ENGINEER, "area/editor")
        c = _member(s, workspace.id, "c@team.example", Role.ENGINEER, None)
        cx = _member(s, workspace.id, "cx@team.example", Role.CX, None)
        for u in (admin, a, b, c, cx):
            s.expunge(u)
    return Team(workspace.id, admin, a, b, c, cx)


def _rotate(store: Store, team: Team, **kw: object) -> None:
    with store.session() as s:
        save_rotation(
            s,
            workspace_id=team.workspace_id,
            user=team.admin,
            engineers=[team.a.id, team.b.id, team.c.id],
            anchor=dt.date(2026, 11, 25),  # a Wednesday: its week (Mon 23rd) is A's
            **kw,  # type: ignore[arg-type]
        )


def _who(store: Store, team: Team, start: dt.date, weeks: int) -> list[tuple[dt.date, int | None, bool]]:
    with store.session() as s:
        return [
            (x.week, x.user_id, x.overridden)
            for x in schedule(s, workspace_id=team.workspace_id, start=start, weeks=weeks)
        ]


# ------------------------------------------------------------------------- rotation


def test_week_of_uses_the_workspace_timezone_and_start_day() -> None:
    # Sunday 23:00 in Seoul is still the week of Monday the 23rd; 01:00 Monday is the next one.
    assert week_of(dt.datetime(2026, 11, 29, 14, 0, tzinfo=dt.UTC), tz=SEOUL) == MON_23
    assert week_of(dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), tz=SEOUL) == MON_30
    assert week_of(MON_30, tz=SEOUL, week_start=6) == dt.date(2026, 11, 29)  # Sunday weeks
    # Across the end of daylight saving time (New York, 1 Nov 2026) the week is 169 hours long.
    start, end = week_bounds(dt.date(2026, 10, 26), tz=ZoneInfo("America/New_York"))
    assert start == dt.datetime(2026, 10, 26, 4, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 2, 5, 0, tzinfo=dt.UTC)


def test_rotation_goes_round_the_ordered_engineers(store: Store, team: Team) -> None:
    _rotate(store, team)
    assert _who(store, team, MON_16, 5) == [
        (MON_16, team.c.id, False),  # the week before the anchor's wraps to the last
        (MON_23, team.a.id, False),
        (MON_30, team.b.id, False),
        (MON_07, team.c.id, False),
        (MON_14, team.a.id, False),
    ]


def test_override_and_swap(store: Store, team: Team) -> None:
    _rotate(store, team)
    with store.session() as s:
        # Any day of the week names that week.
        set_override(
            s, workspace_id=team.workspace_id, user=team.c, week=dt.date(2026, 12, 9), engineer_id=team.a.id
        )
        swap_weeks(s, workspace_id=team.workspace_id, user=team.b, week_a=MON_30, week_b=MON_14)
    assert _who(store, team, MON_23, 4) == [
        (MON_23, team.a.id, False),
        (MON_30, team.a.id, True),
        (MON_07, team.a.id, True),
        (MON_14, team.b.id, True),
    ]
    with store.session() as s:
        set_override(s, workspace_id=team.workspace_id, user=team.a, week=MON_07, engineer_id=None)
    assert _who(store, team, MON_07, 1) == [(MON_07, team.c.id, False)]


def test_rotation_is_checked_and_admin_only(store: Store, team: Team) -> None:
    with store.session() as s, pytest.raises(PermissionDenied):
        save_rotation(s, workspace_id=team.workspace_id, user=team.a, engineers=[team.a.id])
    with store.session() as s, pytest.raises(ValidationError, match="appear once"):
        save_rotation(s, workspace_id=team.workspace_id, user=team.admin, engineers=[team.a.id, team.a.id])
    with store.session() as s, pytest.raises(ValidationError, match="no active member with id 99999"):
        save_rotation(s, workspace_id=team.workspace_id, user=team.admin, engineers=[99999])
    with store.session() as s, pytest.raises(ValidationError, match="week_start"):
        save_rotation(
            s, workspace_id=team.workspace_id, user=team.admin, engineers=[team.a.id], week_start="caturday"
        )
    with store.session() as s, pytest.raises(ValidationError, match="swap"):
        swap_weeks(s, workspace_id=team.workspace_id, user=team.a, week_a=MON_23, week_b=MON_30)


# ---------------------------------------------------------------------------- queue


@dataclass
class Week:
    c1: int
    c2: int
    c6: int
    others: dict[str, int]


def _seed_week(store: Store, team: Team) -> Week:
    ws = team.workspace_id
    with store.session() as s:
        src = Source(workspace_id=ws, kind="channeltalk", name="chat", settings={})
        big = Account(workspace_id=ws, name="Big Co", arr=30_000_000, plan="enterprise")
        small = Account(workspace_id=ws, name="Small Co", arr=10_000_000, plan="starter")
        s.add_all([src, big, small])
        s.flush()
        area = TagDimension(workspace_id=ws, key="area", name_en="Area")
        kind = TagDimension(workspace_id=ws, key="type", name_en="Type")
        s.add_all([area, kind])
        s.flush()

        def tag(path: str, dim: TagDimension, parent: Tag | None = None) -> Tag:
            t = Tag(workspace_id=ws, path=path, dimension_id=dim.id, parent_id=parent.id if parent else None)
            s.add(t)
            s.flush()
            return t

        dash = tag("area/dashboard", area)
        export = tag("area/dashboard/export", area, dash)
        legacy = tag("area/dashboards-legacy", area)
        editor = tag("area/editor", area)
        # Same path text in another dimension: not the product area.
        other_dim = tag("area/dashboard-typo", kind)
        n = 0

        def conv(
            when: dt.datetime,
            t: Tag,
            *,
            status: AssignmentStatus = AssignmentStatus.CONFIRMED,
            channel: Channel = Channel.CHAT,
            account: Account = small,
            quote: tuple[int, int] | None = None,
        ) -> int:
            nonlocal n
            n += 1
            c = Conversation(
                workspace_id=ws,
                source_id=src.id,
                external_id=f"c{n}",
                account_id=account.id,
                channel=channel,
                subject=f"subject {n}",
                opened_at=when.astimezone(dt.UTC),
                attributes={},
            )
            s.add(c)
            s.flush()
            s.add(
                Message(
                    workspace_id=ws,
                    conversation_id=c.id,
                    source_id=src.id,
                    external_id=f"c{n}-note",
                    author_kind=AuthorKind.AGENT,
                    is_internal=True,
                    text="internal note first",
                    sent_at=c.opened_at,
                    attributes={},
                )
            )
            m = Message(
                workspace_id=ws,
                conversation_id=c.id,
                source_id=src.id,
                external_id=f"c{n}-0",
                author_kind=AuthorKind.CUSTOMER,
                text=f"customer words {n}:   the export is slow",
                sent_at=c.opened_at + dt.timedelta(minutes=1),
                attributes={},
            )
            s.add(m)
            s.flush()
            s.add(
                TagAssignment(
                    workspace_id=ws,
                    conversation_id=c.id,
                    tag_id=t.id,
                    scope="" if quote is None else f"m{m.id}:{quote[0]}-{quote[1]}",
                    message_id=None if quote is None else m.id,
                    span_start=None if quote is None else quote[0],
                    span_end=None if quote is None else quote[1],
                    origin=Origin.HUMAN,
                    status=status,
                    attributes={},
                )
            )
            s.flush()
            return c.id

        def kst(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
            return dt.datetime(2026, month, day, hour, minute, tzinfo=KST)

        # customer words N:   the export is slow -> the quote span "the export is slow" starts at 20 (N < 10).
        c1 = conv(kst(30, 10, month=11), export, account=big, quote=(20, 38))
        c2 = conv(kst(2, 15), dash, channel=Channel.CALL, quote=(20, 38))
        others = {
            "suggested": conv(kst(3, 9), dash, status=AssignmentStatus.SUGGESTED),
            "lookalike": conv(kst(4, 9), legacy),
            "other_dimension": conv(kst(4, 10), other_dim),
            "previous_week": conv(kst(29, 23, 30, month=11), dash),
            "next_week": conv(kst(7, 0), dash),  # Monday 00:00 starts the next week
        }
        c6 = conv(kst(6, 23, 59), dash)  # the 8th conversation: Sunday 23:59, still this week
        for i in range(6):  # the editor area spikes this week: 6 against 1 in the 8 weeks before
            others[f"editor{i}"] = conv(kst(1 + i, 11), editor)
        others["editor_before"] = conv(kst(10, 11, month=11), editor)
        return Week(c1=c1, c2=c2, c6=c6, others=others)


def test_queue_holds_the_weeks_confirmed_conversations_of_the_area(store: Store, team: Team) -> None:
    week = _seed_week(store, team)
    with store.session() as s:
        # A call opens with a greeting: the excerpt skips customer messages under 20 characters.
        c6 = s.get(Conversation, week.c6)
        assert c6 is not None
        s.add(
            Message(
                workspace_id=team.workspace_id,
                conversation_id=c6.id,
                source_id=c6.source_id,
                external_id="c6-hello",
                author_kind=AuthorKind.CUSTOMER,
                text="네, 여보세요?",
                sent_at=c6.opened_at,
                attributes={},
            )
        )
    with store.session() as s:
        view = queue(s, workspace_id=team.workspace_id, viewer=team.a, week=dt.date(2026, 12, 3))
    assert view.week == MON_30 and view.area == "area/dashboard"
    assert [i.conversation_id for i in view.items] == [week.c6, week.c2, week.c1]
    assert (view.calls, view.unread) == (1, 3)
    c1 = view.items[2]
    assert (c1.account_name, c1.plan, c1.tag_paths) == ("Big Co", "enterprise", ["area/dashboard/export"])
    # The first customer message, whitespace folded; the internal note is not customer voice.
    assert c1.excerpt == "customer words 1: the export is slow"
    assert view.items[0].excerpt == "customer words 8: the export is slow"
    with store.session() as s:
        calls = queue(s, workspace_id=team.workspace_id, viewer=team.a, week=MON_30, calls_only=True)
        nobody = queue(s, workspace_id=team.workspace_id, viewer=team.c, week=MON_30)
    assert [i.conversation_id for i in calls.items] == [week.c2]
    assert nobody.area is None and nobody.items == []


def test_mark_read_with_notes_once_per_reader(store: Store, team: Team) -> None:
    week = _seed_week(store, team)
    ws = team.workspace_id
    with store.session() as s:
        mark_read(s, workspace_id=ws, user=team.a, conversation_id=week.c2, note="  first take ")
    with store.session() as s:
        mark_read(s, workspace_id=ws, user=team.a, conversation_id=week.c2, note="export times out >1M rows")
        mark_read(s, workspace_id=ws, user=team.b, conversation_id=week.c1, note="seen")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(OncallRead)) == 2
        view = queue(s, workspace_id=ws, viewer=team.a, week=MON_30)
        unread = queue(s, workspace_id=ws, viewer=team.a, week=MON_30, unread_only=True)
    by_id = {i.conversation_id: i for i in view.items}
    assert by_id[week.c2].note == "export times out >1M rows" and by_id[week.c2].read_at is not None
    assert by_id[week.c1].read_at is None and by_id[week.c1].others == [("b", "seen")]
    assert view.unread == 2
    assert [i.conversation_id for i in unread.items] == [week.c6, week.c1]


def test_mark_read_refuses_bad_input(store: Store, team: Team) -> None:
    week = _seed_week(store, team)
    with store.session() as s, pytest.raises(ValidationError, match="at most 2000"):
        mark_read(s, workspace_id=team.workspace_id, user=team.a, conversation_id=week.c1, note="x" * 2001)
    with store.session() as s, pytest.raises(NotFound, match="conversation 987654"):
        mark_read(s, workspace_id=team.workspace_id, user=team.a, conversation_id=987654)


# --------------------------------------------------------------------------- digest


def test_digest_content_by_hand(store: Store, team: Team) -> None:
    week = _seed_week(store, team)
    _rotate(store, team)
    with store.session() as s:
        content = build_digest(s, workspace_id=team.workspace_id, week=dt.date(2026, 12, 5))
    assert content["week"] == "2026-11-30" and content["engineer"] == "b"
    dash, editor = content["areas"]
    assert (dash["area"], dash["conversations"]) == ("area/dashboard", 3)
    # Quotes: the bigger account first; the conversation without a quote follows as an excerpt.
    assert [(q["conversation_id"], q["kind"], q["text"]) for q in dash["quotes"]] == [
        (week.c1, "quote", "the export is slow"),
        (week.c2, "quote", "the export is slow"),
        (week.c6, "excerpt", "customer words 8: the export is slow"),
    ]
    assert (editor["area"], editor["conversations"]) == ("area/editor", 6)
    assert [(r["path"], r["week"], r["baseline"]) for r in content["rising"]] == [("area/editor", 6, 1)]


@pytest.fixture
def queue_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)
    prepare_queue(store)
    yield store
    drop_queue(store)


def test_digest_goes_out_once_per_week_by_email_and_slack(queue_store: Store, team: Team) -> None:
    store = queue_store
    _seed_week(store, team)
    with HttpSink() as hook, SmtpSink() as smtp:
        # Sent only when asked here (the sweep's own sending is tested below).
        _rotate(store, team, slack_webhook=hook.url, auto_digest=False)
        store.settings = dataclasses.replace(store.settings, smtp_url=smtp.url)
        first = send_digest(store, workspace_id=team.workspace_id, week=dt.date(2026, 12, 2), user=team.admin)
        drain(store)
        again = send_digest(store, workspace_id=team.workspace_id, week=MON_30)
        drain(store)
        other_week = send_digest(store, workspace_id=team.workspace_id, week=MON_07)
        drain(store)
    assert (first.created, again.created, other_week.created) == (True, False, True)
    assert first.channels == ["email", "slack"]
    # One message per week to all three engineers; the second call for that week sent nothing.
    assert len(smtp.messages) == 2
    assert smtp.envelopes[0][1] == ["a@team.example", "b@team.example", "c@team.example"]
    assert smtp.messages[0]["Subject"] == "[Acme] Customer on-call digest, week of 2026-11-30"
    body = smtp.messages[0].get_body(preferencelist=("plain",))
    assert body is not None and "area/editor: 6 this week (1 in the 8 weeks before)" in body.get_content()
    assert len(hook.requests) == 2
    assert "the export is slow" in hook.bodies()[0]["text"]
    with store.session() as s:
        rows = list(s.scalars(select(OncallDigest).order_by(OncallDigest.week_start)))
        assert [(r.week_start, str(r.status)) for r in rows] == [(MON_30, "sent"), (MON_07, "sent")]
        assert s.scalar(select(func.count()).select_from(Notification)) == 4


def test_digest_without_anyone_to_tell_is_refused_and_claims_nothing(store: Store, team: Team) -> None:
    with pytest.raises(ValidationError, match="nobody to send it to"):
        send_digest(store, workspace_id=team.workspace_id, week=MON_30)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(OncallDigest)) == 0


def test_digest_by_email_while_email_is_off_is_refused_and_claims_nothing(store: Store, team: Team) -> None:
    _rotate(store, team)
    with pytest.raises(ValidationError, match="email is off"):
        send_digest(store, workspace_id=team.workspace_id, week=MON_30)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(OncallDigest)) == 0


def test_the_sweep_sends_last_weeks_digest_once(queue_store: Store, team: Team) -> None:
    from frontdoor.core.tasks import due_work

    store = queue_store
    task = ("send_oncall_digest", {"workspace_id": team.workspace_id})
    assert task not in due_work(store)  # no rotation yet
    _rotate(store, team)
    assert due_digests(store) == []  # email is off and there is no webhook
    with SmtpSink() as smtp:
        store.settings = dataclasses.replace(store.settings, smtp_url=smtp.url)
        assert task in due_work(store)
        assert send_digest_task(store, workspace_id=team.workspace_id) == "sent"
        drain(store)
        assert due_digests(store) == []
        assert send_digest_task(store, workspace_id=team.workspace_id) == "skipped"
        with store.session() as s:
            ws = s.get(Workspace, team.workspace_id)
            assert ws is not None
            last = last_week(s, ws.id)
            ws.settings = {**ws.settings, "oncall": {**ws.settings["oncall"], "auto_digest": False}}
            s.execute(OncallDigest.__table__.delete())
        assert due_digests(store) == []  # opted out
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == f"[Acme] Customer on-call digest, week of {last.isoformat()}"
