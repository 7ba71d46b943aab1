"""Close the loop: who asked, one draft per contact, sent once by real SMTP, CSV export."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from frontdoor import bootstrap
from frontdoor.core.errors import PermissionDenied, ValidationError
from frontdoor.core.store import Store
from frontdoor.models import (
    Contact,
    LoopNotification,
    LoopStatus,
    Notification,
    RoadmapItem,
    RoadmapStatus,
    Role,
    User,
    Workspace,
)
from frontdoor.notifications import send as notifications
from frontdoor.roadmap.close_loop.csv_export import export_csv
from frontdoor.roadmap.close_loop.drafts import DraftResult, draft, mark_shipped
from frontdoor.roadmap.close_loop.recipients import recipients
from frontdoor.roadmap.close_loop.sending import SendResult, retry_failed, send, sync_delivery
from frontdoor.roadmap.close_loop.templates import render_template, set_template
from frontdoor.workspace.users import create_user
from local_servers import SmtpSink, drain, drop_queue, prepare_queue
from loopseed import Loop, seed_loop


@pytest.fixture
def queue(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store with an empty task queue; inline SMTP retries without waiting."""
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)
    prepare_queue(store)
    yield store
    drop_queue(store)


@pytest.fixture
def loop(store: Store, workspace: Workspace) -> Loop:
    return seed_loop(store, workspace_id=workspace.id)


def _user(store: Store, workspace_id: int, role: Role) -> User:
    with store.session() as s:
        user = create_user(
            s, workspace_id=workspace_id, email=f"{role}@example.com", role=role, name=str(role)
        )
        s.flush()
        s.expunge(user)
        return user


def _admin(store: Store, workspace_id: int) -> User:
    with store.session() as s:
        user = s.scalars(select(User).where(User.workspace_id == workspace_id, User.role == Role.ADMIN)).one()
        s.expunge(user)
        return user


def _rows(store: Store, item_id: int) -> dict[int, LoopNotification]:
    with store.session() as s:
        rows = list(s.scalars(select(LoopNotification).where(LoopNotification.roadmap_item_id == item_id)))
        for r in rows:
            s.expunge(r)
    return {r.contact_id: r for r in rows}


def _ship(store: Store, loop: Loop) -> DraftResult:
    admin = _admin(store, loop.workspace_id)
    with store.session() as s:
        return mark_shipped(s, workspace_id=loop.workspace_id, item_id=loop.item_id, user=admin)


# ------------------------------------------------------------------------------- who


def test_recipients_are_the_contacts_of_confirmed_conversations_with_descendant_tags(
    store: Store, loop: Loop
) -> None:
    with store.session() as s:
        found = recipients(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
    # Ordered by account name ("Acme Ltd" < "서울상회"), then contact name.
    assert [(r.contact_id, r.account_name, r.email) for r in found] == [
        (loop.smith, "Acme Ltd", "ann@acme.example"),
        (loop.lee, "Acme Ltd", "jae@acme.example"),
        (loop.kim, "서울상회", "minji@seoul.example"),
        (loop.park, "서울상회", None),
    ]
    by_id = {r.contact_id: r for r in found}
    # Kim: the parent-tag conversation (opened 02:00) before the child-tag one (05:00).
    assert by_id[loop.kim].conversation_ids == [loop.conv_kim_2, loop.conv_kim_1]
    assert by_id[loop.lee].conversation_ids == [loop.conv_smith]
    assert by_id[loop.park].conversation_ids == [loop.conv_park]


def test_draft_needs_a_shipped_item(store: Store, loop: Loop) -> None:
    with store.session() as s, pytest.raises(ValidationError, match="not shipped"):
        draft(s, workspace_id=loop.workspace_id, item_id=loop.item_id)


def test_engineers_may_not_ship_or_send(store: Store, loop: Loop) -> None:
    engineer = _user(store, loop.workspace_id, Role.ENGINEER)
    with store.session() as s, pytest.raises(PermissionDenied):
        mark_shipped(s, workspace_id=loop.workspace_id, item_id=loop.item_id, user=engineer)
    with pytest.raises(PermissionDenied):
        send(store, workspace_id=loop.workspace_id, item_id=loop.item_id, user=engineer)


# ----------------------------------------------------------------------------- draft


def test_shipping_drafts_exactly_one_message_per_contact_in_their_language(store: Store, loop: Loop) -> None:
    first = _ship(store, loop)
    assert (first.created, first.already, first.without_email) == (4, 0, 1)
    again = _ship(store, loop)
    assert (again.created, again.already) == (0, 4)
    rows = _rows(store, loop.item_id)
    assert set(rows) == {loop.kim, loop.smith, loop.park, loop.lee}
    assert all(r.status == LoopStatus.DRAFTED for r in rows.values())
    kim, smith = rows[loop.kim], rows[loop.smith]
    assert kim.language == "ko" and smith.language == "en"
    assert kim.subject == "요청하신 'CSV export for large ranges' 기능이 출시되었습니다"
    assert kim.body.startswith("김민지님, 안녕하세요.\n\n서울상회에서 말씀해 주신")
    assert smith.subject == "'CSV export for large ranges' is now available"
    assert smith.body.startswith("Hi Ann Smith,\n\nYou told us what Acme Ltd needed")
    assert smith.body.endswith("The Acme team")
    assert kim.conversation_ids == [loop.conv_kim_2, loop.conv_kim_1]
    with store.session() as s:
        item = s.get(RoadmapItem, loop.item_id)
        assert item is not None and item.status == RoadmapStatus.SHIPPED and item.shipped_at is not None


def test_a_new_contact_after_shipping_gets_one_new_draft_and_nobody_else_changes(
    store: Store, loop: Loop
) -> None:
    from frontdoor.models import AssignmentStatus, TagAssignment

    _ship(store, loop)
    before = {c: r.body for c, r in _rows(store, loop.item_id).items()}
    # A reviewer confirms the suggestion: Sue now asked too.
    with store.session() as s:
        a = s.scalars(select(TagAssignment).where(TagAssignment.status == AssignmentStatus.SUGGESTED)).one()
        a.status = AssignmentStatus.CONFIRMED
    with store.session() as s:
        result = draft(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
    assert (result.created, result.already) == (1, 4)
    after = _rows(store, loop.item_id)
    assert set(after) == {*before, loop.suggested_only}
    assert {c: after[c].body for c in before} == before


def test_workspace_template_is_used_and_placeholders_are_safe(store: Store, loop: Loop) -> None:
    admin = _admin(store, loop.workspace_id)
    with store.session() as s:
        set_template(
            s,
            workspace_id=loop.workspace_id,
            user=admin,
            language="en",
            subject="Shipped: {item}",
            body="Dear {name} at {account} {{literally}}",
        )
    with store.session() as s:
        contact = s.get(Contact, loop.smith)
        assert contact is not None
        contact.name = "Ann\r\nBcc: evil@example.com {item}"
    _ship(store, loop)
    smith = _rows(store, loop.item_id)[loop.smith]
    assert smith.subject == "Shipped: CSV export for large ranges"
    # The value is flattened to one line and not re-expanded.
    assert smith.body == "Dear Ann Bcc: evil@example.com {item} at Acme Ltd {literally}"
    # Korean keeps its default.
    assert _rows(store, loop.item_id)[loop.kim].subject.startswith("요청하신")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hi {nmae}", "unknown placeholder {nmae}"),
        ("Hi {name.__class__}", "stray '{'"),
        ("Hi {0}", "stray '{'"),
        ("Hi }", "stray '}'"),
    ],
)
def test_bad_templates_are_refused_with_one_line_and_nothing_saved(
    store: Store, workspace: Workspace, body: str, message: str
) -> None:
    admin = _admin(store, workspace.id)
    with (
        store.session() as s,
        pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("}", r"\}")),
    ):
        set_template(s, workspace_id=workspace.id, user=admin, language="en", subject="s", body=body)
    with store.session() as s:
        ws = s.get(Workspace, workspace.id)
        assert ws is not None and "close_loop" not in (ws.settings or {})


def test_render_template_examples() -> None:
    assert render_template("{name}/{item}", {"name": "a\tb", "item": "x" * 300}) == "a b/" + "x" * 200


# ------------------------------------------------------------------------------ send


def test_send_emails_each_contact_once_through_a_real_smtp_server(queue: Store, loop: Loop) -> None:
    _ship(queue, loop)
    admin = _admin(queue, loop.workspace_id)
    with SmtpSink(fail_times=1) as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url, mail_from="pm@acme.example")
        first = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id, user=admin)
        drain(queue)
        # The second click: nothing new is recorded or sent.
        second = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id, user=admin)
        drain(queue)
    assert (first.queued, first.already_told, first.without_email, first.failed) == (3, 0, 1, 0)
    assert (second.queued, second.already_told, second.without_email) == (0, 3, 1)
    assert sorted(m["To"] for m in smtp.messages) == [
        "ann@acme.example",
        "jae@acme.example",
        "minji@seoul.example",
    ]
    assert smtp.attempts == 4  # one 451 retried inline, then three accepted
    kim_mail = next(m for m in smtp.messages if m["To"] == "minji@seoul.example")
    # Exact: Korean next to English must keep its spaces through RFC 2047 encoding.
    assert kim_mail["Subject"] == "요청하신 'CSV export for large ranges' 기능이 출시되었습니다"
    assert kim_mail["From"] == "pm@acme.example"
    body = kim_mail.get_body(preferencelist=("plain",))
    assert body is not None and "김민지님, 안녕하세요." in body.get_content()
    rows = _rows(queue, loop.item_id)
    for contact in (loop.kim, loop.smith, loop.lee):
        assert rows[contact].status == LoopStatus.SENT
        assert rows[contact].told_at is not None and rows[contact].told_by_id == admin.id
    assert rows[loop.park].status == LoopStatus.DRAFTED and rows[loop.park].told_at is None
    with queue.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 3


def test_a_row_left_sending_by_a_crash_is_handed_over_once(queue: Store, loop: Loop) -> None:
    _ship(queue, loop)
    # A sender claimed Kim's row and died before handing it to the delivery service.
    with queue.session() as s:
        row = s.scalars(select(LoopNotification).where(LoopNotification.contact_id == loop.kim)).one()
        row.status = LoopStatus.SENDING
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        first = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
        again = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
    assert (first.queued, again.queued) == (3, 0)
    assert sorted(m["To"] for m in smtp.messages) == [
        "ann@acme.example",
        "jae@acme.example",
        "minji@seoul.example",
    ]
    assert _rows(queue, loop.item_id)[loop.kim].status == LoopStatus.SENT


def test_refused_mail_is_recorded_as_failed_with_the_reason(queue: Store, loop: Loop) -> None:
    _ship(queue, loop)
    with SmtpSink(refuse=True) as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
        with queue.session() as s:
            sync_delivery(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
        result = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
    rows = _rows(queue, loop.item_id)
    assert rows[loop.kim].status == LoopStatus.FAILED
    assert rows[loop.kim].last_error is not None and "554" in rows[loop.kim].last_error
    assert (result.queued, result.failed) == (0, 3)
    assert smtp.messages == []


# ---------------------------------------------------------------------------- export


def test_export_lists_everyone_and_marking_told_stops_later_sends(queue: Store, loop: Loop) -> None:
    _ship(queue, loop)
    admin = _admin(queue, loop.workspace_id)
    with queue.session() as s:
        plain = export_csv(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
    table = list(csv.DictReader(io.StringIO(plain)))
    assert [r["email"] for r in table] == ["ann@acme.example", "jae@acme.example", "minji@seoul.example", ""]
    assert table[3]["name"] == "박준" and table[3]["status"] == "drafted"
    assert table[2]["conversation_ids"] == f"{loop.conv_kim_2} {loop.conv_kim_1}"
    with queue.session() as s:
        marked = export_csv(
            s, workspace_id=loop.workspace_id, item_id=loop.item_id, mark_told=True, user=admin
        )
    assert {r["status"] for r in csv.DictReader(io.StringIO(marked))} == {"exported"}
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        result = send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
    assert (result.queued, result.already_told) == (0, 4)
    assert smtp.messages == []
    assert all(r.told_at is not None for r in _rows(queue, loop.item_id).values())


def test_export_cells_cannot_become_spreadsheet_formulas(store: Store, loop: Loop) -> None:
    with store.session() as s:
        contact = s.get(Contact, loop.park)
        assert contact is not None
        contact.name = '=HYPERLINK("http://x")'
    _ship(store, loop)
    with store.session() as s:
        text = export_csv(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
    park = next(r for r in csv.DictReader(io.StringIO(text)) if r["contact_id"] == str(loop.park))
    assert park["name"] == '\'=HYPERLINK("http://x")'


def test_marking_shipped_on_the_roadmap_drafts_once(store: Store, loop: Loop) -> None:
    from frontdoor.roadmap.items import ItemInput, update_item

    # The roadmap announces RoadmapItemShipped; close the loop drafts as bootstrap wires it.
    bootstrap.register_event_handlers()
    admin = _admin(store, loop.workspace_id)
    with store.session() as s:
        item = s.get(RoadmapItem, loop.item_id)
        assert item is not None
        tag_ids = [t.id for t in item.tags]
    data = ItemInput(title="CSV export for large ranges", status="building", tag_ids=tag_ids)
    with store.session() as s:
        update_item(s, user=admin, item_id=loop.item_id, data=data)
    assert _rows(store, loop.item_id) == {}
    shipped = dataclasses.replace(data, status="shipped")
    for _ in range(2):  # saving the shipped item again drafts nobody twice
        with store.session() as s:
            update_item(s, user=admin, item_id=loop.item_id, data=shipped)
    assert set(_rows(store, loop.item_id)) == {loop.kim, loop.smith, loop.park, loop.lee}


def test_send_while_email_is_off_is_refused_and_keeps_every_draft(store: Store, loop: Loop) -> None:
    _ship(store, loop)
    with pytest.raises(ValidationError, match="email is off"):
        send(store, workspace_id=loop.workspace_id, item_id=loop.item_id)
    assert {r.status for r in _rows(store, loop.item_id).values()} == {LoopStatus.DRAFTED}


def test_two_senders_at_once_still_tell_each_contact_once(queue: Store, loop: Loop) -> None:
    import threading

    _ship(queue, loop)
    results: list[SendResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def click() -> None:
        try:
            start.wait()
            results.append(send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id))
        except BaseException as exc:  # reported below
            errors.append(exc)

    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        threads = [threading.Thread(target=click) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        drain(queue)
    assert errors == []
    # Each row was claimed by exactly one of the two clicks.
    assert sum(r.queued for r in results) == 3
    assert sorted(m["To"] for m in smtp.messages) == [
        "ann@acme.example",
        "jae@acme.example",
        "minji@seoul.example",
    ]


def test_failed_emails_can_be_retried_once_under_the_same_key(queue: Store, loop: Loop) -> None:
    _ship(queue, loop)
    with SmtpSink(refuse=True) as refusing:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=refusing.url)
        send(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        first = retry_failed(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
        again = retry_failed(queue, workspace_id=loop.workspace_id, item_id=loop.item_id)
        drain(queue)
        with queue.session() as s:
            sync_delivery(s, workspace_id=loop.workspace_id, item_id=loop.item_id)
    assert (first, again) == (3, 0)
    assert len(smtp.messages) == 3
    rows = _rows(queue, loop.item_id)
    assert [rows[c].status for c in (loop.kim, loop.smith, loop.lee)] == [LoopStatus.SENT] * 3
    with queue.session() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 3  # same keys, no new records
