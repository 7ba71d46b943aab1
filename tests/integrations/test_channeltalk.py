"""Channel Talk: the JSON export adapter and the Open API v5 client against a real local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from frontdoor.core.errors import AdapterError, AuthenticationError, ValidationError
from frontdoor.core.store import Store
from frontdoor.integrations.base import BadRecord, ConversationRecord, Record
from frontdoor.integrations.channeltalk.api import ChannelTalkClient
from frontdoor.integrations.channeltalk.export import ChannelTalkExport
from frontdoor.integrations.registry import get_adapter
from frontdoor.models import AuthorKind, Conversation, ConversationStatus, Message, Source, Workspace

FIXTURES = Path(__file__).parent.parent / "fixtures" / "channeltalk"
API = FIXTURES / "api"


def conversations(records: list[Record]) -> list[ConversationRecord]:
    return [r for r in records if isinstance(r, ConversationRecord)]


# ---------------------------------------------------------------------------------------------
# Export file


def test_registered_kind_is_the_export_adapter() -> None:
    assert isinstance(get_adapter("channeltalk"), ChannelTalkExport)


def test_export_counts_and_bad_rows() -> None:
    records = list(ChannelTalkExport().read(FIXTURES / "export.json", options={}))
    convs = conversations(records)
    bad = [r for r in records if isinstance(r, BadRecord)]
    assert [c.external_id for c in convs] == [f"6630a0ffe1d2c3b4a5f{i}" for i in range(1, 6)]
    assert sum(len(c.messages) for c in convs) == 14
    assert len({c.contact.external_id for c in convs if c.contact}) == 5
    assert len({c.account.name for c in convs if c.account}) == 3
    # Bad rows: a chat with a text date, a summary row, an unknown personType, a message without
    # chat, a message of a chat outside the export, a tag row without a name.
    assert len(bad) == 6
    reasons = " | ".join(b.reason for b in bad)
    assert "createdAt" in reasons and "personType" in reasons and "not in the UserChat sheet" in reasons
    assert all(b.raw for b in bad)


def test_export_message_mapping() -> None:
    records = list(ChannelTalkExport().read(FIXTURES / "export.json", options={}))
    by_id = {c.external_id: c for c in conversations(records)}
    first = by_id["6630a0ffe1d2c3b4a5f1"]
    assert first.status is ConversationStatus.CLOSED
    assert first.closed_at is not None and first.closed_at.tzinfo is not None
    # Ordered by (createdAt, id); the close log is skipped; the private note is internal.
    assert [m.external_id for m in first.messages] == ["m100", "m100b", "m101", "m102", "m103"]
    kinds = [m.author_kind for m in first.messages]
    assert kinds == [
        AuthorKind.CUSTOMER,
        AuthorKind.BOT,
        AuthorKind.AGENT,
        AuthorKind.CUSTOMER,
        AuthorKind.AGENT,
    ]
    assert [m.is_internal for m in first.messages] == [False, False, False, False, True]
    assert first.messages[1].author_name == "채널봇"
    assert first.messages[2].author_name == "박상담"
    assert first.attributes["tags"] == ["결제", "세금계산서"]
    assert first.contact is not None and first.contact.member_id == "acct-4821"
    second = by_id["6630a0ffe1d2c3b4a5f2"]
    assert second.messages[1].text == (
        "불편을 드려 죄송합니다.\n택배사 설정을 다시 저장해 주세요.\n그래도 안 되면 스크린샷 부탁드려요."
    )
    assert second.messages[2].attributes["files"] == ["screenshot.png"]
    # Flattened "profile.email" keys (spreadsheet style) are understood.
    fourth = by_id["6630a0ffe1d2c3b4a5f4"]
    assert fourth.contact is not None and fourth.contact.email == "emily@northwind.example"
    assert fourth.account is not None and fourth.account.name == "Northwind Ltd"
    assert fourth.attributes["tags"] == ["integration", "api"]
    assert [m.external_id for m in fourth.messages] == ["m400", "m401", "m402"]
    fifth = by_id["6630a0ffe1d2c3b4a5f5"]
    assert [m.text for m in fifth.messages] == ["배송 조회가 안 돼요. 주문번호 20240501-0001"]
    assert fifth.account is None


def test_bad_chat_is_quarantined_with_its_messages_and_can_be_retried() -> None:
    adapter = ChannelTalkExport()
    bad = [r for r in adapter.read(FIXTURES / "export.json", options={}) if isinstance(r, BadRecord)]
    (broken,) = [b for b in bad if b.position == "UserChat[5]"]
    bundle = json.loads(broken.raw)
    assert [m["id"] for m in bundle["messages"]] == ["m600"]
    assert bundle["user"]["memberId"] == "acct-4821"
    bundle["userChat"]["createdAt"] = 1714564700000
    (record,) = adapter.parse_raw(json.dumps(bundle, ensure_ascii=False), options={})
    assert isinstance(record, ConversationRecord)
    assert [m.text for m in record.messages] == ["환불 규정이 궁금합니다."]
    assert record.contact is not None and record.contact.member_id == "acct-4821"
    # A quarantined webhook body is read back as the webhook would.
    webhook = (FIXTURES / "webhook_message_user.json").read_text()
    (again,) = adapter.parse_raw(webhook, options={})
    assert isinstance(again, ConversationRecord) and again.external_id == "6650a0ffe1d2c3b4a5f6"
    with pytest.raises(AdapterError):
        list(adapter.parse_raw('{"foo": 1}', options={}))


def test_export_company_key_option(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "export.json").read_text())
    for user in doc["User"]:
        profile = user.get("profile")
        if isinstance(profile, dict) and "company" in profile:
            profile["회사명"] = profile.pop("company")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    convs = conversations(list(ChannelTalkExport().read(path, options={"company_key": "회사명"})))
    assert {c.account.name for c in convs if c.account} == {"주식회사 예시", "달빛상점"}
    with pytest.raises(ValidationError):
        list(ChannelTalkExport().read(path, options={"compnay": "x"}))


def test_export_folder_of_sheets(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "export.json").read_text())
    for sheet, rows in doc.items():
        (tmp_path / f"{sheet}.json").write_text(json.dumps(rows, ensure_ascii=False))
    records = list(ChannelTalkExport().read(tmp_path, options={}))
    assert len(conversations(records)) == 5


@pytest.mark.parametrize("content", ["[]", "{}", "{not json", '{"UserChat": {}}'])
def test_unreadable_export_raises(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(AdapterError):
        list(ChannelTalkExport().read(path, options={}))


# ---------------------------------------------------------------------------------------------
# Open API v5 against a real HTTP server on loopback

CLOCK = 1_717_300_000.0
CURSOR_2 = "MTcxNzIwMDAwMDAwMHw2NjYwYTA="
CURSOR_3 = "MTcxNzIwNzIwMDAwMHw2NjYwYTA0"


@dataclass
class Replay:
    """Recorded responses by (path, state, since); each list is served in order, the last repeats."""

    routes: dict[tuple[str, str | None, str | None], list[tuple[int, dict[str, str], bytes]]] = field(
        default_factory=dict
    )
    seen: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        path: str,
        since: str | None,
        *responses: tuple[int, dict[str, str], str],
        state: str | None = None,
    ) -> None:
        self.routes[(path, state, since)] = [(s, h, (API / f).read_bytes()) for s, h, f in responses]

    def answer(
        self, path: str, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.seen.append((path, query, headers))
            queue = self.routes.get((path, query.get("state"), query.get("since")))
            if not queue:
                return 404, {}, b'{"message":"not found"}'
            return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def replay() -> Iterator[tuple[Replay, str]]:
    state = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = state.answer(url.path, query, headers)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/open/v5"
    finally:
        server.shutdown()
        server.server_close()


def _standard_routes(state: Replay) -> None:
    ok: dict[str, str] = {"x-ratelimit-limit": "1000", "x-ratelimit-remaining": "998"}
    base = "/open/v5"
    chats = f"{base}/user-chats"
    state.add(chats, None, (200, ok, "user_chats_opened.json"), state="opened")
    state.add(chats, None, (200, ok, "user_chats_snoozed.json"), state="snoozed")
    state.add(chats, None, (200, ok, "user_chats_closed_1.json"), state="closed")
    state.add(
        chats,
        CURSOR_2,
        (429, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(CLOCK) + 7)}, "rate_limited.json"),
        (200, ok, "user_chats_closed_2.json"),
        state="closed",
    )
    state.add(chats, CURSOR_3, (200, ok, "user_chats_closed_3.json"), state="closed")
    state.add(f"{chats}/6660a001/messages", None, (200, ok, "messages_6660a001_1.json"))
    state.add(f"{chats}/6660a001/messages", "bXNnLTI=", (200, ok, "messages_6660a001_2.json"))
    state.add(f"{chats}/6660a002/messages", None, (200, ok, "messages_6660a002.json"))
    state.add(
        f"{chats}/6660a003/messages",
        None,
        (429, {"retry-after": "3"}, "rate_limited.json"),
        (200, ok, "messages_6660a003.json"),
    )
    state.add(f"{chats}/6660a004/messages", None, (200, ok, "messages_6660a004.json"))
    state.add(f"{chats}/6660a005/messages", None, (200, ok, "messages_6660a005.json"))
    state.add(f"{base}/users/6650c1d2e3f4a5b6c7d4", None, (200, ok, "user_6650c1d2e3f4a5b6c7d4.json"))


def test_api_pages_rate_limits_and_side_loads(replay: tuple[Replay, str]) -> None:
    state, base_url = replay
    _standard_routes(state)
    waits: list[float] = []
    cursors: list[str | None] = []
    with ChannelTalkClient(
        access_key="key-1",
        access_secret="secret-1",
        base_url=base_url,
        sleep=waits.append,
        clock=lambda: CLOCK,
    ) as client:
        records = list(client.records(on_page=cursors.append))
    convs = conversations(records)
    assert not [r for r in records if isinstance(r, BadRecord)]
    # Opened and snoozed chats first (read whole), then closed ones (the resumable stream).
    assert [c.external_id for c in convs] == ["6660a002", "6660a005", "6660a003", "6660a001", "6660a004"]
    assert sum(len(c.messages) for c in convs) == 9
    assert len({c.contact.external_id for c in convs if c.contact}) == 4
    assert len({c.account.name for c in convs if c.account}) == 3
    # Waited exactly for Retry-After, then until x-ratelimit-reset; nothing else.
    assert waits == [3.0, 7.0]
    # Cursor paging: `next` went back as `since` (the 429 retried the same page); the resume
    # cursor after the last page is the cursor that fetched it.
    chat_calls = [(q.get("state"), q.get("since")) for p, q, _ in state.seen if p.endswith("/user-chats")]
    assert chat_calls == [
        ("opened", None),
        ("snoozed", None),
        ("closed", None),
        ("closed", CURSOR_2),
        ("closed", CURSOR_2),
        ("closed", CURSOR_3),
    ]
    assert cursors == [CURSOR_2, CURSOR_3, CURSOR_3]
    assert all(
        h.get("x-access-key") == "key-1" and h.get("x-access-secret") == "secret-1" for _, _, h in state.seen
    )
    assert all(q.get("sortOrder") == "asc" for p, q, _ in state.seen if not p.startswith("/open/v5/users/"))
    first = convs[3]
    assert [m.external_id for m in first.messages] == ["a1", "a2", "a3"]
    assert first.messages[1].author_kind is AuthorKind.AGENT and first.messages[1].author_name == "박상담"
    assert first.status is ConversationStatus.CLOSED
    # The user missing from the side-load was fetched with GET /users/{id}.
    fourth = convs[4]
    assert fourth.contact is not None and fourth.contact.member_id == "acct-7777"
    assert fourth.account is not None and fourth.account.name == "한빛커머스"


def test_api_resumes_from_a_cursor(replay: tuple[Replay, str]) -> None:
    state, base_url = replay
    _standard_routes(state)
    with ChannelTalkClient(
        access_key="k", access_secret="s", base_url=base_url, sleep=lambda s: None, clock=lambda: CLOCK
    ) as client:
        convs = conversations(list(client.records(since=CURSOR_2, state="closed")))
    assert [c.external_id for c in convs] == ["6660a004"]


def test_api_wait_is_bounded_and_retries_run_out(replay: tuple[Replay, str]) -> None:
    state, base_url = replay
    far = {"x-ratelimit-reset": str(int(CLOCK) + 86400)}
    state.add("/open/v5/user-chats", None, (429, far, "rate_limited.json"), state="opened")
    waits: list[float] = []
    with (
        ChannelTalkClient(
            access_key="k",
            access_secret="s",
            base_url=base_url,
            sleep=waits.append,
            clock=lambda: CLOCK,
            max_wait=30.0,
            max_retries=2,
        ) as client,
        pytest.raises(AdapterError, match="429"),
    ):
        list(client.records())
    assert waits == [30.0, 30.0]


def test_api_bad_credentials(replay: tuple[Replay, str]) -> None:
    state, base_url = replay
    state.add("/open/v5/user-chats", None, (401, {}, "rate_limited.json"), state="opened")
    with (
        ChannelTalkClient(access_key="k", access_secret="wrong", base_url=base_url) as client,
        pytest.raises(AuthenticationError) as info,
    ):
        list(client.records())
    assert "wrong" not in str(info.value)


def test_api_retry_after_http_date(replay: tuple[Replay, str]) -> None:
    state, base_url = replay
    state.add(
        "/open/v5/user-chats",
        None,
        (429, {"retry-after": "Sat, 01 Jun 2024 03:46:50 GMT"}, "rate_limited.json"),
        (200, {}, "user_chats_opened.json"),
        state="closed",
    )
    for chat in ("6660a002", "6660a005"):
        state.add(f"/open/v5/user-chats/{chat}/messages", None, (200, {}, f"messages_{chat}.json"))
    waits: list[float] = []
    with ChannelTalkClient(
        access_key="k",
        access_secret="s",
        base_url=base_url,
        sleep=waits.append,
        clock=lambda: 1_717_213_600.0,
    ) as client:
        assert len(conversations(list(client.records(state="closed")))) == 2
    assert waits == [10.0]


# ---------------------------------------------------------------------------------------------
# `frontdoor sync channeltalk` end to end: CLI -> client -> local server -> ingest -> database


def test_sync_command_imports_stores_cursor_and_resumes(
    store: Store, workspace: Workspace, replay: tuple[Replay, str]
) -> None:
    from frontdoor.commands.sync_cmd import sync_group

    state, base_url = replay
    _standard_routes(state)
    runner = CliRunner()
    obj = {"store": store, "settings": store.settings}
    missing = runner.invoke(sync_group, ["channeltalk"], obj=obj)
    assert missing.exit_code != 0 and "no Channel Talk credentials" in str(missing.exception)

    args = ["channeltalk", "--access-key", "key-1", "--access-secret", "secret-1", "--base-url", base_url]
    first = runner.invoke(sync_group, args, obj=obj)
    assert first.exit_code == 0, first.output
    assert "secret-1" not in first.output
    assert "conversations: 5 new" in first.output and "messages: 9 new" in first.output
    with store.session() as session:
        source = session.scalars(select(Source).where(Source.workspace_id == workspace.id)).one()
        assert source.cursor == CURSOR_3
        assert source.last_synced_at is not None
        assert source.settings["access_key"] == "key-1"
        assert session.scalar(select(func.count()).select_from(Conversation)) == 5
        assert session.scalar(select(func.count()).select_from(Message)) == 9

    # The next sync uses the stored credentials and resumes from the stored cursor.
    state.seen.clear()
    second = runner.invoke(sync_group, ["channeltalk"], obj=obj)
    assert second.exit_code == 0, second.output
    calls = [(q.get("state"), q.get("since")) for p, q, _ in state.seen if p.endswith("/user-chats")]
    assert calls == [("opened", None), ("snoozed", None), ("closed", CURSOR_3)]
    assert "conversations: 0 new, 0 updated, 3 unchanged" in second.output
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 9
