"""Routing service on both backends: rules, default, model, human corrections, accuracy, arrival."""

from __future__ import annotations

from sqlalchemy import select
from tests.routing.conftest import conversation, run_deferred

from frontdoor import bootstrap
from frontdoor.core import events
from frontdoor.core.store import Store
from frontdoor.models import (
    Account,
    Channel,
    Conversation,
    RouteEvent,
    RouteMethod,
    Tag,
    TagDimension,
    User,
    Workspace,
)
from frontdoor.routing import config as routing_config
from frontdoor.routing import model as routing_model
from frontdoor.routing import report as routing_report
from frontdoor.routing.assign import route_conversations
from frontdoor.routing.corrections import after_human_route, set_route

SUPPORT = [
    "환불은 언제 되나요? 결제 취소했어요",
    "Refund for my last invoice please",
    "로그인이 안 돼요 비밀번호 오류",
    "The export button is broken, error 500",
    "결제가 두 번 됐어요 환불 부탁",
    "I can't log in, password reset email never arrives",
    "엑셀 다운로드가 안 됩니다",
    "App crashes when I open the dashboard",
]
SALES = [
    "엔터프라이즈 요금제 견적 받고 싶어요",
    "Can we get a quote for 200 seats?",
    "연간 계약 할인 가능한가요? 도입 검토중",
    "We want a demo of the enterprise plan pricing",
    "구매 담당자인데 견적서 요청드립니다",
    "Pricing for annual contract and volume discount",
    "데모 미팅 잡고 싶어요 도입 검토",
    "Interested in buying licenses for our team",
]


def _admin(store: Store, workspace: Workspace) -> User:
    with store.session() as s:
        user = s.scalars(select(User).where(User.workspace_id == workspace.id)).one()
        s.expunge(user)
        return user


def _route(store: Store, ws: int, cid: int) -> tuple[str | None, str | None, bool]:
    with store.session() as s:
        c = s.get(Conversation, cid)
        assert c is not None
        return c.route, c.route_reason, c.route_confirmed


def test_rules_first_match_then_default_with_reasons(store: Store, workspace: Workspace, admin: User) -> None:
    ws = workspace.id
    with store.session() as s:
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"name": "큰 고객", "team": "sales", "arr_min": 50_000_000}
        )
        routing_config.add_rule(
            s,
            workspace_id=ws,
            user=admin,
            rule={"name": "refunds", "team": "support", "keywords": "환불, refund"},
        )
        routing_config.add_rule(
            s,
            workspace_id=ws,
            user=admin,
            rule={
                "name": "email partners",
                "team": "partnership",
                "channels": ["email"],
                "pattern": "제휴|partner",
            },
        )
        big = Account(workspace_id=ws, name="큰회사", arr=80_000_000, plan="enterprise")
        s.add(big)
        s.flush()
        c_big = conversation(s, ws, "환불 요청드립니다", account=big).id
        c_refund = conversation(s, ws, "I need a REFUND.").id
        c_partner = conversation(s, ws, "제휴 제안드립니다", channel=Channel.EMAIL).id
        c_partner_chat = conversation(s, ws, "제휴 제안드립니다", channel=Channel.CHAT).id
        c_other = conversation(s, ws, "hello there").id
    ids = [c_big, c_refund, c_partner, c_partner_chat, c_other]
    result = route_conversations(store, workspace_id=ws, conversation_ids=ids, notify=False)
    assert (result.routed, result.unchanged) == (5, 0)
    assert result.by_method == {"rule": 3, "default": 2}
    assert _route(store, ws, c_big) == ("sales", "rule '큰 고객': ARR=80,000,000", False)
    assert _route(store, ws, c_refund) == ("support", "rule 'refunds': keyword refund", False)
    assert _route(store, ws, c_partner) == (
        "partnership",
        "rule 'email partners': channel=email; pattern 제휴",
        False,
    )
    # Same words on chat: the channel condition fails, no model yet -> the default team.
    assert _route(store, ws, c_partner_chat) == (
        "support",
        "default team: no rule matched; no routing model trained yet",
        False,
    )
    # Re-running changes nothing and records nothing.
    again = route_conversations(store, workspace_id=ws, conversation_ids=ids, notify=False)
    assert (again.routed, again.unchanged) == (0, 5)
    with store.session() as s:
        assert len(s.scalars(select(RouteEvent)).all()) == 5
        # A person's route is never changed by routing.
        set_route(s, workspace_id=ws, conversation_id=c_other, route="self-serve", user=admin)
    third = route_conversations(store, workspace_id=ws, conversation_ids=ids, notify=False)
    assert third.confirmed_skipped == 1
    route, reason, confirmed = _route(store, ws, c_other)
    assert (route, confirmed) == ("self-serve", True)
    assert reason is not None and reason.startswith("corrected by ") and reason.endswith(" (was support)")


def test_human_correction_changes_the_next_prediction_for_similar_conversations(
    store: Store, workspace: Workspace, admin: User
) -> None:
    ws = workspace.id
    with store.session() as s:
        for text in SUPPORT:
            cid = conversation(s, ws, text).id
            set_route(s, workspace_id=ws, conversation_id=cid, route="support", user=admin)
        for text in SALES:
            cid = conversation(s, ws, text).id
            set_route(s, workspace_id=ws, conversation_id=cid, route="sales", user=admin)
        probe = conversation(s, ws, "리셀러 파트너 제휴 제안드립니다").id
        misrouted = conversation(s, ws, "파트너 제휴 및 리셀러 제안").id
    first = routing_model.train(store, workspace_id=ws)
    assert (first.n_train, first.teams) == (16, {"sales": 8, "support": 8})
    route_conversations(store, workspace_id=ws, conversation_ids=[probe, misrouted], notify=False)
    route, reason, _ = _route(store, ws, probe)
    assert route == "sales"
    assert reason is not None and reason.startswith(f"model {first.model_version}: sales at ")
    misrouted_to = _route(store, ws, misrouted)[0]
    assert misrouted_to in {"sales", "support"}  # there is no partnership example yet

    # A person moves the misrouted partnership proposal; the model retrains on it.
    with store.session() as s:
        event = set_route(s, workspace_id=ws, conversation_id=misrouted, route="partnership", user=admin)
        assert (event.previous_route, event.method) == (misrouted_to, RouteMethod.HUMAN)
    second = routing_model.train(store, workspace_id=ws)
    assert second.teams == {"partnership": 1, "sales": 8, "support": 8}

    # The similar conversation (not confirmed) now goes to partnership, and so does a new one.
    result = route_conversations(store, workspace_id=ws, conversation_ids=[probe], notify=False)
    assert result.routed == 1
    assert _route(store, ws, probe)[0] == "partnership"
    with store.session() as s:
        fresh = conversation(s, ws, "리셀러 제휴 파트너 제안 드려요").id
    route_conversations(store, workspace_id=ws, conversation_ids=[fresh], notify=False)
    assert _route(store, ws, fresh)[0] == "partnership"
    # Support questions still go to support.
    with store.session() as s:
        refund = conversation(s, ws, "환불 요청합니다 결제 취소").id
    route_conversations(store, workspace_id=ws, conversation_ids=[refund], notify=False)
    assert _route(store, ws, refund)[0] == "support"
    with store.session() as s:
        history = routing_report.route_events(s, workspace_id=ws, conversation_id=probe)
        assert [(e.route, e.method, e.model_version) for e in history] == [
            ("sales", RouteMethod.MODEL, first.model_version),
            ("partnership", RouteMethod.MODEL, second.model_version),
        ]


def test_model_abstains_to_the_default_team(store: Store, workspace: Workspace, admin: User) -> None:
    ws = workspace.id
    with store.session() as s:
        raw = dict(s.get(Workspace, ws).settings or {})  # type: ignore[union-attr]
        for text in SUPPORT[:4]:
            set_route(
                s, workspace_id=ws, conversation_id=conversation(s, ws, text).id, route="support", user=admin
            )
        for text in SALES[:4]:
            set_route(
                s, workspace_id=ws, conversation_id=conversation(s, ws, text).id, route="sales", user=admin
            )
        routing_config.set_default_team(s, workspace_id=ws, user=admin, team="self-serve")
        probe = conversation(s, ws, "날씨가 좋네요").id
        assert raw.get("routing") is None
    routing_model.train(store, workspace_id=ws)
    with store.session() as s:
        w = s.get(Workspace, ws)
        assert w is not None
        # A floor above any calibrated confidence makes the model abstain on everything.
        w.settings = {**w.settings, "routing": {**w.settings["routing"], "min_confidence": 1.0}}
    route_conversations(store, workspace_id=ws, conversation_ids=[probe], notify=False)
    route, reason, _ = _route(store, ws, probe)
    assert route == "self-serve"
    assert reason is not None and reason.startswith("default team: no rule matched; model abstained (best ")
    assert reason.endswith("under 100%)")


def test_accuracy_on_confirmed_routes_hand_computed(store: Store, workspace: Workspace, admin: User) -> None:
    ws = workspace.id
    with store.session() as s:
        routing_config.add_rule(s, workspace_id=ws, user=admin, rule={"team": "sales", "keywords": ["견적"]})
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"team": "support", "keywords": ["환불"]}
        )
        c1 = conversation(s, ws, "견적 부탁").id
        c2 = conversation(s, ws, "환불 해주세요").id
        c3 = conversation(s, ws, "hello").id
        c4 = conversation(s, ws, "견적 요청").id
        c5 = conversation(s, ws, "direct").id
    route_conversations(store, workspace_id=ws, conversation_ids=[c1, c2, c3, c4], notify=False)
    with store.session() as s:
        set_route(s, workspace_id=ws, conversation_id=c1, route="sales", user=admin)  # kept: right
        set_route(s, workspace_id=ws, conversation_id=c2, route="sales", user=admin)  # moved: wrong
        set_route(s, workspace_id=ws, conversation_id=c3, route="support", user=admin)  # default kept
        set_route(s, workspace_id=ws, conversation_id=c5, route="sales", user=admin)  # never predicted
    with store.session() as s:
        # A later change of mind does not rewrite history: the first decision counts.
        set_route(s, workspace_id=ws, conversation_id=c1, route="support", user=admin)
    with store.session() as s:
        acc = routing_report.routing_accuracy(s, workspace_id=ws)
    assert acc.to_dict() == {
        "decided": 4,
        "compared": 3,
        "correct": 2,
        "accuracy": 0.6667,
        "without_prediction": 1,
        "by_method": {
            "default": {"compared": 1, "correct": 1, "accuracy": 1.0},
            "rule": {"compared": 2, "correct": 1, "accuracy": 0.5},
        },
        "by_team": {
            "sales": {"compared": 1, "correct": 1, "accuracy": 1.0},
            "support": {"compared": 2, "correct": 1, "accuracy": 0.5},
        },
        "confusion": {"sales": {"sales": 1}, "support": {"sales": 1, "support": 1}},
    }


def test_routes_on_arrival_after_tagging_with_tag_rules(
    store: Store, workspace: Workspace, admin: User
) -> None:
    from frontdoor.routing import assign
    from frontdoor.tagging import autotag

    ws = workspace.id
    with store.session() as s:
        dim = TagDimension(workspace_id=ws, key="area", name_ko="영역", name_en="Area")
        s.add(dim)
        s.flush()
        s.add(
            Tag(
                workspace_id=ws,
                path="area/billing",
                dimension_id=dim.id,
                name_ko="결제",
                name_en="Billing",
                keywords=["결제"],
            )
        )
        routing_config.save_team(
            s, workspace_id=ws, user=admin, key="billing", name_ko="결제팀", name_en="Billing"
        )
        routing_config.add_rule(
            s, workspace_id=ws, user=admin, rule={"team": "billing", "tags": ["area/billing"]}
        )
        cid = conversation(s, ws, "결제 오류가 났어요").id
    bootstrap.register_event_handlers()
    handlers = events.subscribers(events.ConversationsIngested)
    assert handlers.index(assign.on_conversations_ingested) > handlers.index(
        autotag.on_conversations_ingested
    )
    events.emit(store, events.ConversationsIngested(ws, (cid,)))
    route, reason, confirmed = _route(store, ws, cid)
    assert (route, confirmed) == ("billing", False)
    assert reason is not None and reason.endswith(": tag area/billing")


def test_a_correction_queues_a_retrain_that_changes_the_next_prediction(
    queue: Store, backend: str, workspace: Workspace, admin: User
) -> None:
    store = queue
    ws = workspace.id
    with store.session() as s:
        for text in SUPPORT:
            set_route(
                s, workspace_id=ws, conversation_id=conversation(s, ws, text).id, route="support", user=admin
            )
        for text in SALES:
            set_route(
                s, workspace_id=ws, conversation_id=conversation(s, ws, text).id, route="sales", user=admin
            )
        probe = conversation(s, ws, "리셀러 파트너 제휴 제안드립니다").id
        misrouted = conversation(s, ws, "파트너 제휴 및 리셀러 제안").id
    assert after_human_route(store, workspace_id=ws) == "queued"
    run_deferred(store, backend)
    route_conversations(store, workspace_id=ws, conversation_ids=[probe, misrouted], notify=False)
    assert _route(store, ws, probe)[0] == "sales"
    with store.session() as s:
        event = set_route(s, workspace_id=ws, conversation_id=misrouted, route="partnership", user=admin)
        event_id = event.id
    # What the web page and the API call after a person's decision.
    assert after_human_route(store, workspace_id=ws, event_id=event_id) == "queued"
    run_deferred(store, backend)
    with store.session() as s:
        model = routing_config.routing_config(s, workspace_id=ws).model
    assert model is not None and model["teams"] == {"partnership": 1, "sales": 8, "support": 8}
    route_conversations(store, workspace_id=ws, conversation_ids=[probe], notify=False)
    assert _route(store, ws, probe)[0] == "partnership"


def test_too_few_confirmed_routes_do_not_train(store: Store, workspace: Workspace, admin: User) -> None:
    import pytest

    from frontdoor.core.errors import ValidationError

    ws = workspace.id
    with store.session() as s:
        cid = conversation(s, ws, "hello").id
        set_route(s, workspace_id=ws, conversation_id=cid, route="sales", user=admin)
    assert after_human_route(store, workspace_id=ws) == "too-few"
    with pytest.raises(ValidationError, match="need at least 6 conversations with a confirmed route"):
        routing_model.train(store, workspace_id=ws)
