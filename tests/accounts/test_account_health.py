"""Health, priority, depth, snapshots, pipeline and usage import on a small hand-made workspace.

Runs on SQLite and PostgreSQL. Every expected number is worked out in the comments.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdoor.accounts.depth import relationship_depth
from frontdoor.accounts.health import (
    SNAPSHOT_TASK,
    account_health,
    due_snapshots,
    health_history,
    snapshot_task,
    take_snapshots,
)
from frontdoor.accounts.pipeline import change_stage, stage_counts, stage_history
from frontdoor.accounts.priority import priority_list
from frontdoor.accounts.usage import import_usage
from frontdoor.core.errors import NotFound, PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    AccountStageChange,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    ConversationStatus,
    Message,
    Origin,
    Role,
    Source,
    SurveyKind,
    SurveyResponse,
    Tag,
    TagAssignment,
    TagDimension,
    User,
    Workspace,
)

NOW = dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)
_ext = itertools.count(1)


@dataclass
class World:
    big: int  # unhappy large account
    small: int  # quiet small account
    dm: int
    conv: dict[str, int]


def _tags(session: Session, ws: int) -> dict[str, int]:
    dims = {}
    for pos, key in enumerate(("type", "sentiment", "goal")):
        dim = TagDimension(workspace_id=ws, key=key, name_en=key, position=pos)
        session.add(dim)
        session.flush()
        dims[key] = dim.id
    out = {}
    for path in (
        "type/bug",
        "type/complaint",
        "type/churn-risk",
        "type/feature-request",
        "sentiment/positive",
        "sentiment/neutral",
        "sentiment/negative",
        "goal/repurchase",
    ):
        tag = Tag(workspace_id=ws, path=path, dimension_id=dims[path.split("/")[0]], name_en=path)
        session.add(tag)
        session.flush()
        out[path] = tag.id
    return out


def _conv(
    session: Session,
    ws: int,
    src: int,
    account: int,
    *,
    days_ago: float,
    tags: list[str],
    tag_ids: dict[str, int],
    status: ConversationStatus = ConversationStatus.CLOSED,
    reply_hours: float | None = 1.0,
    contact: int | None = None,
    text: str = "hello",
    suggested: tuple[str, ...] = (),
) -> int:
    opened = NOW - dt.timedelta(days=days_ago)
    conv = Conversation(
        workspace_id=ws,
        source_id=src,
        external_id=f"c{next(_ext)}",
        account_id=account,
        contact_id=contact,
        subject="s",
        status=status,
        opened_at=opened,
        closed_at=opened + dt.timedelta(hours=30) if status == ConversationStatus.CLOSED else None,
    )
    session.add(conv)
    session.flush()
    session.add(
        Message(
            workspace_id=ws,
            conversation_id=conv.id,
            source_id=src,
            external_id=f"m{next(_ext)}",
            author_kind=AuthorKind.CUSTOMER,
            contact_id=contact,
            text=text,
            sent_at=opened,
        )
    )
    if reply_hours is not None:
        session.add(
            Message(
                workspace_id=ws,
                conversation_id=conv.id,
                source_id=src,
                external_id=f"m{next(_ext)}",
                author_kind=AuthorKind.AGENT,
                text="on it",
                sent_at=opened + dt.timedelta(hours=reply_hours),
            )
        )
    for path in tags:
        session.add(
            TagAssignment(
                workspace_id=ws,
                conversation_id=conv.id,
                tag_id=tag_ids[path],
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
            )
        )
    for path in suggested:  # unreviewed: never counted
        session.add(
            TagAssignment(
                workspace_id=ws,
                conversation_id=conv.id,
                tag_id=tag_ids[path],
                origin=Origin.MODEL,
                confidence=0.9,
                status=AssignmentStatus.SUGGESTED,
            )
        )
    session.flush()
    return conv.id


def _survey(
    session: Session,
    ws: int,
    src: int,
    account: int,
    kind: str,
    score: float,
    scale: tuple[int, int],
    days_ago: float,
) -> None:
    session.add(
        SurveyResponse(
            workspace_id=ws,
            source_id=src,
            external_id=f"s{next(_ext)}",
            kind=SurveyKind(kind),
            score=score,
            scale_min=scale[0],
            scale_max=scale[1],
            account_id=account,
            responded_at=NOW - dt.timedelta(days=days_ago),
        )
    )


@pytest.fixture
def world(store: Store, workspace: Workspace) -> World:
    ws = workspace.id
    with store.session() as session:
        src = Source(workspace_id=ws, kind="api", name="t", settings={})
        session.add(src)
        session.flush()
        tag_ids = _tags(session, ws)
        big = Account(
            workspace_id=ws, name="큰손상사", arr=50_000_000, seats=20, attributes={"crm_id": "ACC-1"}
        )
        mid = Account(workspace_id=ws, name="Middle Co", arr=5_000_000)
        small = Account(workspace_id=ws, name="작은가게", arr=1_000_000, seats=4)
        session.add_all([big, mid, small])
        session.flush()
        dm = Contact(workspace_id=ws, account_id=big.id, name="대표", is_decision_maker=True)
        staff = Contact(workspace_id=ws, account_id=big.id, name="담당", is_decision_maker=False)
        session.add_all([dm, staff])
        session.flush()
        conv = {}
        # big: 4 conversations in the last 90 days.
        conv["bug_open"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=2,
            tags=["type/bug", "sentiment/negative"],
            tag_ids=tag_ids,
            status=ConversationStatus.OPEN,
            reply_hours=10,
            contact=staff.id,
        )
        conv["complaint"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=10,
            tags=["type/complaint", "sentiment/negative"],
            tag_ids=tag_ids,
            reply_hours=30,
            contact=staff.id,
        )
        conv["churn"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=20,
            tags=["type/churn-risk", "sentiment/neutral"],
            tag_ids=tag_ids,
            status=ConversationStatus.SNOOZED,
            reply_hours=2,
            contact=dm.id,
        )
        conv["goal"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=40,
            tags=["goal/repurchase", "sentiment/positive"],
            tag_ids=tag_ids,
            reply_hours=4,
            contact=dm.id,
            suggested=("sentiment/negative",),
        )
        # Older than 90 days: not in sentiment or priority windows; still in depth's 365.
        conv["old_feature"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=200,
            tags=["type/feature-request", "sentiment/negative"],
            tag_ids=tag_ids,
            reply_hours=50,
            contact=staff.id,
        )
        conv["old_kw"] = _conv(
            session,
            ws,
            src.id,
            big.id,
            days_ago=300,
            tags=[],
            tag_ids=tag_ids,
            text="재구매율을 올리는 게 올해 목표예요",
            contact=staff.id,
        )
        # small: one conversation 100 days ago.
        _conv(session, ws, src.id, small.id, days_ago=100, tags=["type/feature-request"], tag_ids=tag_ids)
        # big's surveys within 180 days: NPS 9 (good), NPS 4 (bad), CSAT 2/5 (bad), CES 4/7 (middle).
        for kind, score, scale, ago in (
            ("nps", 9, (0, 10), 5),
            ("nps", 4, (0, 10), 15),
            ("csat", 2, (1, 5), 30),
            ("ces", 4, (1, 7), 60),
            ("nps", 0, (0, 10), 200),  # outside the 180-day survey window
        ):
            _survey(session, ws, src.id, big.id, kind, score, scale, ago)
        return World(big=big.id, small=small.id, dm=dm.id, conv=conv)


def test_health_of_an_unhappy_account_by_hand(store: Store, workspace: Workspace, world: World) -> None:
    with store.session() as session:
        health = account_health(session, workspace_id=workspace.id, account_id=world.big, as_of=NOW)
    by_key = {s.key: s for s in health.signals}
    # satisfaction: good 1 + bad 0 + bad 0 + middle 0.5 = 1.5 / 4 = 37.5
    assert by_key["satisfaction"].score == 37.5
    assert by_key["satisfaction"].detail["n"] == 4
    # sentiment (90 days, confirmed only): negative, negative, neutral, positive = 1.5 / 4 = 37.5
    assert by_key["sentiment"].score == 37.5
    assert by_key["sentiment"].detail == {"n": 4, "positive": 1, "neutral": 1, "negative": 2}
    # problems: the open bug and the snoozed churn risk (the closed complaint is resolved): 100 - 50
    assert by_key["problems"].score == 50.0
    assert sorted(by_key["problems"].evidence) == sorted([world.conv["bug_open"], world.conv["churn"]])
    # recency: 2 days -> 100
    assert by_key["recency"].score == 100.0 and by_key["recency"].detail["days"] == 2
    assert "usage" not in by_key
    # (0.30 x 37.5 + 0.25 x 37.5 + 0.20 x 50 + 0.15 x 100) / 0.90 = 45.625 / 0.90 = 50.69
    assert health.score == pytest.approx(50.7, abs=0.05)
    assert health.band == "yellow"


def test_quiet_account_is_red_for_its_silence(store: Store, workspace: Workspace, world: World) -> None:
    with store.session() as session:
        health = account_health(session, workspace_id=workspace.id, account_id=world.small, as_of=NOW)
    # Last conversation 100 days ago: 100 x (120 - 100) / 90 = 22.2; problems 100.
    recency = next(s for s in health.signals if s.key == "recency")
    assert recency.score == pytest.approx(22.2, abs=0.05)
    # (0.20 x 100 + 0.15 x 22.22) / 0.35 = 66.67 -> green (22.2 is not below the critical 15)
    assert health.score == pytest.approx(66.7, abs=0.05) and health.band == "green"
    later = NOW + dt.timedelta(days=20)  # 120 days of silence: recency 0 -> red on its own
    with store.session() as session:
        health = account_health(session, workspace_id=workspace.id, account_id=world.small, as_of=later)
    assert health.band == "red" and health.main_reason is not None and health.main_reason.key == "recency"


def test_priority_ranks_and_explains(store: Store, workspace: Workspace, world: World) -> None:
    with store.session() as session:
        rows = priority_list(session, workspace_id=workspace.id, as_of=NOW)
    assert [r.account.name for r in rows] == ["큰손상사", "Middle Co", "작은가게"]
    top = {t.key: t for t in rows[0].priority.terms}
    assert top["arr"].points == 30.0  # larger than both others
    assert top["dissatisfaction"].points == 12.5  # 20 x (1 - 0.375)
    assert top["complaints"].points == pytest.approx(3.3)  # 10 x 1/3
    assert top["unresolved"].points == 10.0  # 15 x 2/3
    assert top["churn_risk"].points == 7.5  # 15 x 1/2
    # First replies within 90 days: 10, 30, 2, 4 hours -> median 7 -> 10 x (7 - 4) / 20 = 1.5
    assert top["slow_replies"].detail == {"hours": 7.0, "n": 4, "target": 4.0}
    assert top["slow_replies"].points == 1.5
    assert rows[0].priority.score == pytest.approx(64.8, abs=0.01)
    # Middle Co: ARR above 1 of 2 others = 15, no answers = 10.
    assert rows[1].priority.score == 25.0
    with store.session() as session:
        assert priority_list(session, workspace_id=workspace.id, as_of=NOW, stage="am") == []
        with pytest.raises(ValidationError):
            priority_list(session, workspace_id=workspace.id, stage="vp")


def test_depth_with_the_conversations_behind_it(store: Store, workspace: Workspace, world: World) -> None:
    with store.session() as session:
        view = relationship_depth(session, workspace_id=workspace.id, account_id=world.big, as_of=NOW)
    depth = view.depth
    kinds = {c.conversation_id: (c.kind, c.matched) for c in depth.conversations}
    assert kinds[world.conv["goal"]] == ("business", "goal/repurchase")
    assert kinds[world.conv["old_kw"]] == ("business", "재구매")
    assert kinds[world.conv["bug_open"]] == ("feature", "type/bug")
    assert kinds[world.conv["old_feature"]] == ("feature", "type/feature-request")
    # complaint and churn risk are neither: 2 business / 4 classified
    assert (depth.business, depth.feature, depth.other) == (2, 2, 2)
    assert depth.business_share == 0.5
    assert depth.decision_maker_conversations == 2 and depth.decision_makers == 1
    assert depth.label == "partner"
    assert set(view.conversations) == set(world.conv.values())


def test_snapshots_keep_history_and_name_what_changed(
    store: Store, workspace: Workspace, world: World
) -> None:
    week_ago = NOW - dt.timedelta(days=7)
    with store.session() as session:
        assert take_snapshots(session, workspace_id=workspace.id, as_of=week_ago) == 3
        take_snapshots(session, workspace_id=workspace.id, as_of=NOW)
        take_snapshots(session, workspace_id=workspace.id, as_of=NOW)  # same day again: replaced
    with store.session() as session:
        history = health_history(session, workspace_id=workspace.id, account_id=world.big)
    assert [h.taken_on for h in history] == [NOW.date(), week_ago.date()]
    assert history[-1].changes == []
    changes = {c.key: c for c in history[0].changes}
    # A week ago: the NPS 9 (5 days ago) was not given yet: (0 + 0 + 0.5) / 3 = 16.7 -> 37.5 now;
    # the open bug (2 days old) did not exist: problems 75 -> 50; sentiment of the complaint,
    # churn risk and goal conversations (0 + 0.5 + 1) / 3 = 50 -> 37.5 with the bug's negative.
    assert changes["satisfaction"].before.score == pytest.approx(16.7)  # type: ignore[union-attr]
    assert changes["problems"].before.score == 75.0  # type: ignore[union-attr]
    assert changes["problems"].after.score == 50.0  # type: ignore[union-attr]
    assert changes["sentiment"].before.score == 50.0  # type: ignore[union-attr]
    # Points lost, before - after: satisfaction 0.3333 x (83.3 - 62.5) = +6.9, sentiment
    # 0.2778 x (50 - 62.5) = -3.5, problems 0.2222 x (25 - 50) = -5.6 (each within 0.1 of
    # rounding: points lost are rounded to 0.1 before they are subtracted).
    assert [c.key for c in history[0].changes] == ["satisfaction", "problems", "sentiment"]
    assert [c.points_delta for c in history[0].changes] == pytest.approx([6.9, -5.6, -3.5], abs=0.11)
    # Recency stayed 100 (3 and 2 days): not a change. The deltas add up to the score's move.
    assert "recency" not in changes
    assert history[1].score == pytest.approx(52.8, abs=0.05)
    total = sum(c.points_delta for c in history[0].changes)
    assert total == pytest.approx(history[0].score - history[1].score, abs=0.2)


def test_the_workers_sweep_takes_one_snapshot_a_day(store: Store, workspace: Workspace, world: World) -> None:
    from frontdoor.core.tasks import due_work
    from frontdoor.db.base import utcnow
    from frontdoor.models import AccountHealthSnapshot

    with store.session() as session:
        empty = Workspace(slug="empty", name="No accounts", settings={})
        session.add(empty)
    # Yesterday's snapshots do not count for today.
    with store.session() as session:
        take_snapshots(session, workspace_id=workspace.id, as_of=utcnow() - dt.timedelta(days=1))
    due = [w for w in due_work(store) if w[0] == SNAPSHOT_TASK]
    assert due == [(SNAPSHOT_TASK, {"workspace_id": workspace.id})]  # not the workspace without accounts
    assert snapshot_task(store, workspace_id=workspace.id) == 3
    assert due_snapshots(store) == []
    # Each workspace is judged by its own accounts, not by the first account of all.
    with store.session() as session:
        other = Workspace(slug="other", name="Other", settings={})
        session.add(other)
        session.flush()
        session.add(Account(workspace_id=other.id, name="다른 고객사", currency="KRW"))
        other_id = other.id
    assert due_snapshots(store) == [(SNAPSHOT_TASK, {"workspace_id": other_id})]
    assert snapshot_task(store, workspace_id=other_id) == 1
    with store.session() as session:
        days = session.scalars(
            select(AccountHealthSnapshot.taken_on).where(AccountHealthSnapshot.account_id == world.big)
        ).all()
    assert sorted(days) == [utcnow().date() - dt.timedelta(days=1), utcnow().date()]
    # Settings written around the checks make the computation fail: logged, then left alone
    # by the sweep (it runs every few seconds) instead of recomputed at that pace.
    with store.session() as session:
        ws = session.get(Workspace, workspace.id)
        assert ws is not None
        ws.settings = {**(ws.settings or {}), "health": {"weights": {"nonsense": 1}}}
        session.execute(delete(AccountHealthSnapshot))
    assert due_snapshots(store) == [
        (SNAPSHOT_TASK, {"workspace_id": workspace.id}),
        (SNAPSHOT_TASK, {"workspace_id": other_id}),
    ]
    assert snapshot_task(store, workspace_id=workspace.id) == 0
    assert due_snapshots(store) == [(SNAPSHOT_TASK, {"workspace_id": other_id})]


def test_stage_changes_are_logged_with_who_when_why(
    store: Store, workspace: Workspace, world: World, admin: User
) -> None:
    with store.session() as session:
        viewer = User(workspace_id=workspace.id, email="eng@example.com", name="Eng", role=Role.ENGINEER)
        session.add(viewer)
        session.flush()
        owner = User(workspace_id=workspace.id, email="am@example.com", name="AM Kim", role=Role.CX)
        session.add(owner)
        session.flush()
        owner_id = owner.id
        actor = session.get(User, admin.id)
        assert actor is not None
        change = change_stage(
            session,
            workspace_id=workspace.id,
            account_id=world.big,
            actor=actor,
            stage="am",
            owner_id=owner_id,
            reason="  renewal at risk,\n needs an AM  ",
        )
        assert change is not None and change.from_stage == "csm" and change.to_stage == "am"
        # The same again is a no-op.
        assert (
            change_stage(
                session,
                workspace_id=workspace.id,
                account_id=world.big,
                actor=actor,
                stage="am",
                owner_id=owner_id,
                reason="again",
            )
            is None
        )
        with pytest.raises(PermissionDenied):
            change_stage(
                session,
                workspace_id=workspace.id,
                account_id=world.big,
                actor=viewer,
                stage="adr",
                owner_id=None,
                reason="x",
            )
        with pytest.raises(ValidationError):
            change_stage(
                session,
                workspace_id=workspace.id,
                account_id=world.big,
                actor=actor,
                stage="adr",
                owner_id=None,
                reason=" ",
            )
        with pytest.raises(ValidationError):
            change_stage(
                session,
                workspace_id=workspace.id,
                account_id=world.big,
                actor=actor,
                stage="ceo",
                owner_id=None,
                reason="x",
            )
        with pytest.raises(NotFound):
            change_stage(
                session,
                workspace_id=workspace.id,
                account_id=world.big,
                actor=actor,
                stage="adr",
                owner_id=999_999,
                reason="x",
            )
    with store.session() as session:
        rows = stage_history(session, workspace_id=workspace.id, account_id=world.big)
        assert len(rows) == 1 and session.scalar(select(AccountStageChange.id).limit(2)) is not None
        row = rows[0]
        assert row.change.reason == "renewal at risk, needs an AM"
        assert row.to_owner == "AM Kim" and row.from_owner is None and row.changed_by is not None
        assert stage_counts(session, workspace_id=workspace.id) == {"csm": 2, "adr": 0, "am": 1}
        assert session.get(Account, world.big).owner_id == owner_id  # type: ignore[union-attr]


def test_usage_import_feeds_the_usage_signal(
    store: Store, workspace: Workspace, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "account,active_users,as_of\nACC-1,5,2026-11-01\n작은가게,4,\nnobody.example,3,\n", encoding="utf-8"
    )
    with store.session() as session:
        result = import_usage(session, workspace_id=workspace.id, path=path)
    assert (result.updated, result.unchanged, result.unknown) == (2, 0, ["nobody.example"])
    with store.session() as session:
        again = import_usage(session, workspace_id=workspace.id, path=path)
        assert (again.updated, again.unchanged) == (0, 2)
        health = account_health(session, workspace_id=workspace.id, account_id=world.big, as_of=NOW)
    usage = next(s for s in health.signals if s.key == "usage")
    # 5 of 20 seats = 25%
    assert usage.score == 25.0 and usage.detail["pct"] == 25.0
    bad = tmp_path / "bad.csv"
    bad.write_text("account,active_users\nACC-1,many\n", encoding="utf-8")
    with store.session() as session, pytest.raises(ValidationError, match="line 2"):
        import_usage(session, workspace_id=workspace.id, path=bad)
    missing = tmp_path / "missing.csv"
    missing.write_text("account,users\nACC-1,3\n", encoding="utf-8")
    with store.session() as session, pytest.raises(ValidationError, match="active_users"):
        import_usage(session, workspace_id=workspace.id, path=missing)


def test_settings_change_the_weights_and_bad_ones_store_nothing(
    store: Store, workspace: Workspace, world: World
) -> None:
    from frontdoor.accounts.health import health_settings, save_health_settings

    with store.session() as session:
        save_health_settings(
            session,
            workspace_id=workspace.id,
            raw={
                "weights": {"satisfaction": 0, "sentiment": 0, "problems": 0},
                "priority": {"weights": {"arr": 0}},
            },
        )
    with store.session() as session:
        health = account_health(session, workspace_id=workspace.id, account_id=world.big, as_of=NOW)
        # Only recency is left (2 days): 100, green.
        assert [s.key for s in health.signals] == ["recency"] and health.score == 100.0
        top = priority_list(session, workspace_id=workspace.id, as_of=NOW)[0]
        assert {t.key: t.points for t in top.priority.terms}["arr"] == 0.0
        for bad in (
            {"weights": {"mood": 1}},
            {"priority": {"caps": {"x": 1}}},
            {"depth": {"partner_share": 3}},
            {"colour": 1},
        ):
            with pytest.raises(ValidationError):
                save_health_settings(session, workspace_id=workspace.id, raw=bad)
        assert health_settings(session, workspace.id)["priority"] == {"weights": {"arr": 0}}
