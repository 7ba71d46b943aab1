"""Channel Talk, Zendesk, Intercom and Slack end to end: adapter -> ingest_records -> database.

Runs on SQLite and PostgreSQL (the ``store`` fixture). Each kind: exact row counts after
an import, a re-import that changes nothing and adds no rows, and an edited message that
is updated in place.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from frontdoor.core.store import Store
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.quarantine import retry_quarantined
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.channeltalk.webhook import ChannelTalkWebhook
from frontdoor.integrations.registry import get_adapter
from frontdoor.models import (
    Account,
    Contact,
    Conversation,
    Identity,
    Message,
    QuarantinedRecord,
    SurveyResponse,
    Workspace,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def ingest(store: Store, workspace: Workspace, kind: str, path: Path, **options: str) -> ImportSummary:
    with store.session() as session:
        source_id = get_or_create_source(session, workspace_id=workspace.id, kind=kind).id
    records = get_adapter(kind).read(path, options=options)
    return ingest_records(
        store, workspace_id=workspace.id, source_id=source_id, records=records, file=str(path)
    )


def rows(store: Store, workspace: Workspace) -> dict[str, int]:
    tables: dict[str, Any] = {
        "conversations": Conversation,
        "messages": Message,
        "surveys": SurveyResponse,
        "accounts": Account,
        "contacts": Contact,
        "identities": Identity,
        "quarantined": QuarantinedRecord,
    }
    with store.session() as session:
        counts = {
            name: session.scalar(
                select(func.count()).select_from(model).where(model.workspace_id == workspace.id)
            )
            or 0
            for name, model in tables.items()
        }
        counts["internal"] = (
            session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.workspace_id == workspace.id, Message.is_internal)
            )
            or 0
        )
    return counts


def _edit_channeltalk(tmp: Path) -> tuple[Path, str, str]:
    doc = json.loads((FIXTURES / "channeltalk" / "export.json").read_text())
    for row in doc["Message"]:
        if row.get("id") == "m102":
            row["plainText"] = row["blocks"][0]["value"] = "지난달 세금계산서는 어디서 다시 받나요? (수정됨)"
    path = tmp / "export.json"
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return path, "m102", "지난달 세금계산서는 어디서 다시 받나요? (수정됨)"


def _edit_zendesk(tmp: Path) -> tuple[Path, str, str]:
    folder = tmp / "zendesk"
    shutil.copytree(FIXTURES / "zendesk" / "export", folder)
    page = json.loads((folder / "01_tickets.json").read_text())
    for ticket in page["tickets"]:
        for comment in ticket.get("comments", []) if isinstance(ticket, dict) else []:
            if comment["id"] == 88004:
                comment["plain_body"] = "확인했습니다. 재발행도 부탁드려요."
    (folder / "01_tickets.json").write_text(json.dumps(page, ensure_ascii=False))
    return folder, "88004", "확인했습니다. 재발행도 부탁드려요."


def _edit_intercom(tmp: Path) -> tuple[Path, str, str]:
    page = json.loads((FIXTURES / "intercom" / "conversations.json").read_text())
    for part in page["conversations"][0]["conversation_parts"]["conversation_parts"]:
        if part["id"] == "3000":
            part["body"] = "<p>감사합니다! 해결됐어요.</p>"
    path = tmp / "conversations.json"
    path.write_text(json.dumps(page, ensure_ascii=False))
    return path, "3000", "감사합니다! 해결됐어요."


def _edit_slack(tmp: Path) -> tuple[Path, str, str]:
    folder = tmp / "slack"
    shutil.copytree(FIXTURES / "slack" / "export", folder)
    day = folder / "support-northwind" / "2024-05-03.json"
    messages = json.loads(day.read_text())
    messages[0]["text"] = "Our webhook retries fail with 500 errors (edited: since Monday)."
    messages[0]["edited"] = {"user": "U11GUEST", "ts": "1714723300.000000"}
    day.write_text(json.dumps(messages, ensure_ascii=False))
    return (
        folder,
        "C02SUPPORT:1714723200.000500",
        "Our webhook retries fail with 500 errors (edited: since Monday).",
    )


CASES: dict[str, tuple[Path, dict[str, int], Callable[[Path], tuple[Path, str, str]]]] = {
    # Accounts and contacts follow identity resolution: Intercom's lead with a company email
    # founds the dalbit.shop account that a later contact of that domain joins; Slack users
    # of other teams carry their team, a guest with a company email gets its domain.
    "channeltalk": (
        FIXTURES / "channeltalk" / "export.json",
        {
            "conversations": 5,
            "messages": 14,
            "internal": 1,
            "surveys": 0,
            "quarantined": 6,
            "accounts": 3,
            "contacts": 5,
        },
        _edit_channeltalk,
    ),
    "zendesk": (
        FIXTURES / "zendesk" / "export",
        {
            "conversations": 4,
            "messages": 9,
            "internal": 2,
            "surveys": 2,
            "quarantined": 5,
            "accounts": 3,
            "contacts": 4,
        },
        _edit_zendesk,
    ),
    "intercom": (
        FIXTURES / "intercom" / "conversations.json",
        {
            "conversations": 4,
            "messages": 10,
            "internal": 1,
            "surveys": 2,
            "quarantined": 3,
            "accounts": 3,
            "contacts": 4,
        },
        _edit_intercom,
    ),
    "slack": (
        FIXTURES / "slack" / "export",
        {
            "conversations": 5,
            "messages": 9,
            "internal": 0,
            "surveys": 0,
            "quarantined": 2,
            "accounts": 3,
            "contacts": 3,
        },
        _edit_slack,
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_import_reimport_and_edit(store: Store, workspace: Workspace, tmp_path: Path, kind: str) -> None:
    path, expected, edit = CASES[kind]
    first = ingest(store, workspace, kind, path)
    after_first = rows(store, workspace)
    assert {k: after_first[k] for k in expected} == expected
    assert first.conversations.new == expected["conversations"]
    assert first.messages.new == expected["messages"]
    assert first.quarantined == expected["quarantined"]

    again = ingest(store, workspace, kind, path)
    assert again.conversations.to_dict() == {"new": 0, "updated": 0, "unchanged": expected["conversations"]}
    assert again.messages.to_dict() == {"new": 0, "updated": 0, "unchanged": expected["messages"]}
    assert again.surveys.new == again.surveys.updated == 0
    assert again.accounts_created == again.contacts_created == 0
    after_again = rows(store, workspace)
    assert {k: v for k, v in after_again.items() if k != "quarantined"} == {
        k: v for k, v in after_first.items() if k != "quarantined"
    }

    edited_path, message_id, new_text = edit(tmp_path)
    third = ingest(store, workspace, kind, edited_path)
    assert third.messages.to_dict() == {"new": 0, "updated": 1, "unchanged": expected["messages"] - 1}
    assert third.conversations.new == 0
    after_edit = rows(store, workspace)
    assert after_edit["messages"] == expected["messages"]
    with store.session() as session:
        text = session.scalar(
            select(Message.text).where(
                Message.workspace_id == workspace.id, Message.external_id == message_id
            )
        )
    assert text == new_text


def test_channeltalk_webhook_merges_into_the_imported_chat(store: Store, workspace: Workspace) -> None:
    """A webhook delivery adds its message to the chat the export created, keeping the others."""
    ingest(store, workspace, "channeltalk", FIXTURES / "channeltalk" / "export.json")
    body = json.loads((FIXTURES / "channeltalk" / "webhook_message_user.json").read_text())
    body["entity"]["chatId"] = body["refers"]["userChat"]["id"] = "6630a0ffe1d2c3b4a5f1"
    body["entity"]["chatKey"] = "userChat-6630a0ffe1d2c3b4a5f1"
    body["refers"]["userChat"].update(
        {"state": "closed", "createdAt": 1714521600000, "openedAt": 1714521605000}
    )
    records = ChannelTalkWebhook().records(json.dumps(body, ensure_ascii=False).encode())
    with store.session() as session:
        source_id = get_or_create_source(session, workspace_id=workspace.id, kind="channeltalk").id
    summary = ingest_records(store, workspace_id=workspace.id, source_id=source_id, records=records)
    assert summary.messages.new == 1
    with store.session() as session:
        conv = session.scalars(
            select(Conversation).where(Conversation.external_id == "6630a0ffe1d2c3b4a5f1")
        ).one()
        assert conv.message_count == 6
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.conversation_id == conv.id)
        )
    assert count == 6
    assert rows(store, workspace)["contacts"] == 5


def test_quarantine_retry_of_a_fixed_channeltalk_chat(store: Store, workspace: Workspace) -> None:
    """The malformed chat is quarantined with its message; fixed and retried, both are stored."""
    ingest(store, workspace, "channeltalk", FIXTURES / "channeltalk" / "export.json")
    with store.session() as session:
        row = session.scalars(
            select(QuarantinedRecord).where(
                QuarantinedRecord.workspace_id == workspace.id, QuarantinedRecord.position == "UserChat[5]"
            )
        ).one()
        record_id, raw = row.id, row.raw
    bundle = json.loads(raw)
    bundle["userChat"]["createdAt"] = 1714564700000
    retry_quarantined(
        store, workspace_id=workspace.id, record_ids=[record_id], raw=json.dumps(bundle, ensure_ascii=False)
    )
    with store.session() as session:
        conv = session.scalars(
            select(Conversation).where(Conversation.external_id == "6630a0ffe1d2c3b4a5f6")
        ).one()
        texts = session.scalars(select(Message.text).where(Message.conversation_id == conv.id)).all()
    assert texts == ["환불 규정이 궁금합니다."]
    assert rows(store, workspace)["messages"] == 15
