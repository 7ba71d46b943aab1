"""Pages: /roadmap/{id}/loop (ship, draft, send once, CSV, template) and /oncall (queue, notes, digest)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from webseed import XSS_SCRIPT, add_user, csrf_of, sign_in

from frontdoor.core.store import Store
from frontdoor.models import (
    AssignmentStatus,
    AuthorKind,
    Channel,
    Contact,
    Conversation,
    LoopNotification,
    Message,
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
from frontdoor.oncall.rotation import week_of
from frontdoor.web.app import create_app
from local_servers import SmtpSink, drain, drop_queue, prepare_queue

sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from loopseed import seed_loop


@pytest.fixture
def queue(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(notifications, "INLINE_BACKOFF", 0.0)
    prepare_queue(store)
    yield store
    drop_queue(store)


def _no_inline(html: str) -> None:
    assert ' style="' not in html and "<style" not in html
    assert "<script>" not in html and " onclick=" not in html


def test_loop_page_ships_drafts_and_sends_once(queue: Store, workspace: Workspace) -> None:
    loop = seed_loop(queue, workspace_id=workspace.id)
    with queue.session() as s:
        contact = s.get(Contact, loop.smith)
        assert contact is not None
        contact.name = f"Ann {XSS_SCRIPT}"
    base = f"/roadmap/{loop.item_id}/loop"
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        # Without the app's lifespan there is no background worker: delivery runs inline
        # (SQLite) or in drain()'s worker (PostgreSQL), so every send has finished here.
        client = TestClient(create_app(queue))
        sign_in(client, "admin@example.com")
        before = client.get(base)
        assert before.status_code == 200
        _no_inline(before.text)
        # Before shipping: who asked is listed, nothing is drafted.
        assert "minji@seoul.example" in before.text and "Mark shipped" in before.text
        assert "&lt;script&gt;" in before.text and XSS_SCRIPT not in before.text
        token = csrf_of(before.text)
        shipped = client.post(f"{base}/ship", data={"csrf": token}, follow_redirects=False)
        assert shipped.status_code == 303 and "created=4" in shipped.headers["location"]
        again = client.post(f"{base}/draft", data={"csrf": token}, follow_redirects=False)
        assert "created=0" in again.headers["location"] and "already=4" in again.headers["location"]
        page = client.get(base).text
        assert "Send emails (3)" in page
        first = client.post(f"{base}/send", data={"csrf": token}, follow_redirects=False)
        drain(queue)
        second = client.post(f"{base}/send", data={"csrf": token}, follow_redirects=False)
        drain(queue)
        assert "queued=3" in first.headers["location"]
        assert "queued=0" in second.headers["location"] and "already=3" in second.headers["location"]
        after = client.get(base).text
        assert "Send emails" not in after and after.count('class="chip">Emailed<') == 3
        plain = client.get(f"{base}.csv")
        assert plain.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(plain.content.decode("utf-8-sig"))))
        assert [r["status"] for r in rows] == ["sent", "sent", "sent", "drafted"]
        marked = client.post(f"{base}/export", data={"csrf": token})
        rows = list(csv.DictReader(io.StringIO(marked.content.decode("utf-8-sig"))))
        assert rows[3]["status"] == "exported" and rows[3]["email"] == ""
    assert len(smtp.messages) == 3
    with queue.session() as s:
        assert s.scalar(select(func.count()).select_from(LoopNotification)) == 4


def test_loop_page_retries_refused_emails_once(queue: Store, workspace: Workspace) -> None:
    loop = seed_loop(queue, workspace_id=workspace.id)
    base = f"/roadmap/{loop.item_id}/loop"
    client = TestClient(create_app(queue))  # no lifespan: delivery finishes in drain()
    sign_in(client, "admin@example.com")
    token = csrf_of(client.get(base).text)
    client.post(f"{base}/ship", data={"csrf": token})
    with SmtpSink(refuse=True) as refusing:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=refusing.url)
        client.post(f"{base}/send", data={"csrf": token})
        drain(queue)
    page = client.get(base).text
    assert "Retry failed emails (3)" in page and "554" in page
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        retried = client.post(f"{base}/retry", data={"csrf": token}, follow_redirects=False)
        drain(queue)
        again = client.post(f"{base}/retry", data={"csrf": token}, follow_redirects=False)
        drain(queue)
    assert "retried=3" in retried.headers["location"] and "retried=0" in again.headers["location"]
    assert len(smtp.messages) == 3
    assert client.get(base).text.count('class="chip">Emailed<') == 3


def test_loop_template_and_roles(store: Store, workspace: Workspace) -> None:
    loop = seed_loop(store, workspace_id=workspace.id)
    add_user(store, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    base = f"/roadmap/{loop.item_id}/loop"
    with TestClient(create_app(store)) as client:
        sign_in(client, "admin@example.com")
        token = csrf_of(client.get(base).text)
        bad = client.post(
            f"{base}/template", data={"csrf": token, "language": "en", "subject": "Hi {nope}", "body": "b"}
        )
        assert bad.status_code == 400 and "unknown placeholder {nope}" in bad.text
        ok = client.post(
            f"{base}/template",
            data={"csrf": token, "language": "en", "subject": "Done: {item}", "body": "Hi {name}"},
        )
        assert ok.status_code == 200 and "Template saved" in ok.text
        client.post(f"{base}/ship", data={"csrf": token})
    with store.session() as s:
        row = s.scalars(select(LoopNotification).where(LoopNotification.contact_id == loop.smith)).one()
        assert (row.subject, row.body) == ("Done: CSV export for large ranges", "Hi Ann Smith")
    with TestClient(create_app(store)) as client:
        sign_in(client, "eng@example.com")
        page = client.get(base)
        assert page.status_code == 200 and "Send emails" not in page.text
        denied = client.post(f"{base}/send", data={"csrf": csrf_of(page.text)})
        assert denied.status_code == 403
        assert client.get("/roadmap/987654/loop").status_code == 404


def _seed_oncall(store: Store, workspace_id: int) -> tuple[int, int]:
    """One dashboard call this week (Seoul) for the engineer with area/dashboard."""
    now = dt.datetime.now(dt.UTC)
    with store.session() as s:
        src = Source(workspace_id=workspace_id, kind="gong", name="calls", settings={})
        dim = TagDimension(workspace_id=workspace_id, key="area", name_en="Area")
        s.add_all([src, dim])
        s.flush()
        tag = Tag(workspace_id=workspace_id, path="area/dashboard", dimension_id=dim.id, name_en="Dashboard")
        s.add(tag)
        s.flush()
        conv = Conversation(
            workspace_id=workspace_id,
            source_id=src.id,
            external_id="call-1",
            channel=Channel.CALL,
            subject=f"Call {XSS_SCRIPT}",
            opened_at=now,
            attributes={},
        )
        s.add(conv)
        s.flush()
        s.add(
            Message(
                workspace_id=workspace_id,
                conversation_id=conv.id,
                source_id=src.id,
                external_id="call-1-0",
                author_kind=AuthorKind.CUSTOMER,
                text="the dashboard chart never loads",
                sent_at=now,
                attributes={},
            )
        )
        s.add(
            TagAssignment(
                workspace_id=workspace_id,
                conversation_id=conv.id,
                tag_id=tag.id,
                scope="",
                origin=Origin.HUMAN,
                status=AssignmentStatus.CONFIRMED,
                attributes={},
            )
        )
        eng = s.scalars(select(User).where(User.email == "eng@example.com")).one()
        eng.product_area = "area/dashboard"
        return conv.id, eng.id


def test_oncall_page_queue_notes_rotation_and_digest(queue: Store, workspace: Workspace) -> None:
    add_user(queue, workspace_id=workspace.id, email="eng@example.com", role=Role.ENGINEER)
    conv_id, eng_id = _seed_oncall(queue, workspace.id)
    with SmtpSink() as smtp:
        queue.settings = dataclasses.replace(queue.settings, smtp_url=smtp.url)
        admin = TestClient(create_app(queue))  # no lifespan: delivery finishes in drain()
        sign_in(admin, "admin@example.com")
        page = admin.get("/oncall")
        assert "Nobody is on call" in page.text
        token = csrf_of(page.text)
        rotated = admin.post(
            "/oncall/rotation",
            data={"csrf": token, "engineers": "eng@example.com\n", "week_start": "monday"},
        )
        assert rotated.status_code == 200 and "Rotation saved" in rotated.text
        unknown = admin.post("/oncall/rotation", data={"csrf": token, "engineers": "ghost@example.com"})
        assert unknown.status_code == 400
        eng = TestClient(create_app(queue))  # no lifespan: delivery finishes in drain()
        sign_in(eng, "eng@example.com")
        page = eng.get("/oncall")
        _no_inline(page.text)
        assert "On call: <strong>eng</strong>" in page.text
        assert f"/conversations/{conv_id}" in page.text and ">Call<" in page.text
        assert "&lt;script&gt;" in page.text and XSS_SCRIPT not in page.text
        token = csrf_of(page.text)
        eng.post("/oncall/read", data={"csrf": token, "conversation_id": conv_id, "note": "chart bug <b>"})
        eng.post("/oncall/read", data={"csrf": token, "conversation_id": conv_id, "note": "filed #123"})
        after = eng.get("/oncall?unread=1").text
        assert f"/conversations/{conv_id}" not in after
        assert "filed #123" in eng.get("/oncall").text
        # The eng cannot set the rotation; the admin form is not shown to them.
        assert "/oncall/rotation" not in page.text
        assert eng.post("/oncall/rotation", data={"csrf": token, "engineers": ""}).status_code == 403
        week = week_of(dt.datetime.now(dt.UTC), tz=ZoneInfo("Asia/Seoul")).isoformat()
        first = eng.post("/oncall/digest", data={"csrf": token, "week": week})
        drain(queue)
        second = eng.post("/oncall/digest", data={"csrf": token, "week": week})
        drain(queue)
        assert "Digest sent" in first.text and "already sent" in second.text
    # The form left "send automatically" unticked: only the button's digest went out, once.
    this_week = week_of(dt.datetime.now(dt.UTC), tz=ZoneInfo("Asia/Seoul"))
    assert [m["Subject"].rsplit(" ", 1)[1] for m in smtp.messages] == [this_week.isoformat()]
    assert smtp.envelopes[0][1] == ["eng@example.com"]
    with queue.session() as s:
        read = s.scalars(select(OncallRead)).one()
        assert (read.user_id, read.note) == (eng_id, "filed #123")
