"""/oncall: who is on call, their queue of the customers' words, notes, rotation and digest."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from frontdoor.core.errors import ValidationError
from frontdoor.models import User, Workspace
from frontdoor.oncall import notes
from frontdoor.oncall.digest_delivery import send_digest
from frontdoor.oncall.queue import queue
from frontdoor.oncall.rotation import WEEKDAYS, config_of, save_rotation, schedule, set_override, swap_weeks
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep, get_store
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()


def _day(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"{name}: {value[:40]!r} is not a date (YYYY-MM-DD)") from None


def _back(**params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse("/oncall" + (f"?{query}" if query else ""), status_code=303)


@router.get("/oncall", include_in_schema=False)
def oncall_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """This week's engineer, the rotation, and the queue of the viewer's (or a chosen) area."""
    q = request.query_params
    week = _day(q.get("week"), "week")
    ws = session.get(Workspace, user.workspace_id)
    assert ws is not None
    config = config_of(ws)
    shifts = schedule(session, workspace_id=user.workspace_id, start=week, weeks=8)
    current = shifts[0] if shifts else None
    area = (q.get("area") or "").strip()[:200] or None
    if area is None and current is not None and current.product_area and not user.product_area:
        area = current.product_area  # someone without an area sees the on-call engineer's queue
    view = queue(
        session,
        workspace_id=user.workspace_id,
        viewer=user,
        week=week,
        area=area,
        calls_only=q.get("calls") == "1",
        unread_only=q.get("unread") == "1",
    )
    members = list(
        session.scalars(
            select(User)
            .where(User.workspace_id == user.workspace_id, User.is_active)
            .order_by(User.name, User.id)
        )
    )
    areas = sorted({m.product_area for m in members if m.product_area})
    by_id = {m.id: m for m in members}
    return render(
        request,
        "oncall.html",
        {
            "view": view,
            "shifts": shifts,
            "current": current,
            "areas": areas,
            "members": members,
            "engineers": [by_id[i] for i in config.engineers if i in by_id],
            "config": config,
            "weekdays": WEEKDAYS,
            "is_admin": can(user, Action.ADMIN),
            "can_note": can(user, Action.ONCALL_NOTES),
            "prev_week": (view.week - dt.timedelta(weeks=1)).isoformat(),
            "next_week": (view.week + dt.timedelta(weeks=1)).isoformat(),
            "filters": {"calls": q.get("calls") == "1", "unread": q.get("unread") == "1"},
            "done": q.get("done")
            if q.get("done") in ("read", "rotation", "override", "swap", "digest", "dup")
            else None,
            "digest_week": q.get("digest_week", "")[:10],
        },
        user=user,
    )


@router.post("/oncall/read", include_in_schema=False, dependencies=[CsrfChecked])
def mark_read(
    session: SessionDep,
    user: CurrentUser,
    conversation_id: Annotated[int, Form()],
    note: Annotated[str, Form(max_length=notes.MAX_NOTE + 100)] = "",
    week: Annotated[str, Form(max_length=10)] = "",
    area: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Mark a conversation read, with a note (again: the note is replaced)."""
    notes.mark_read(
        session, workspace_id=user.workspace_id, user=user, conversation_id=conversation_id, note=note
    )
    return _back(week=week, area=area, done="read")


@router.post("/oncall/rotation", include_in_schema=False, dependencies=[CsrfChecked])
def rotation(
    session: SessionDep,
    user: CurrentUser,
    engineers: Annotated[str, Form(max_length=5000)] = "",
    week_start: Annotated[str, Form(max_length=16)] = "monday",
    email_to: Annotated[str, Form(max_length=5000)] = "",
    slack_webhook: Annotated[str, Form(max_length=1000)] = "",
    auto_digest: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    """Set the ordered rotation (one email per line; the first is on call this week)."""
    emails = [line.strip() for line in engineers.splitlines() if line.strip()]
    found = {
        u.email: u.id
        for u in session.scalars(
            select(User).where(User.workspace_id == user.workspace_id, User.email.in_(emails))
        )
    }
    unknown = [e for e in emails if e not in found]
    if unknown:
        raise ValidationError(f"engineers: no member with email {', '.join(unknown)[:200]}")
    save_rotation(
        session,
        workspace_id=user.workspace_id,
        user=user,
        engineers=[found[e] for e in emails],
        week_start=week_start,
        email_to=[a.strip() for a in email_to.replace(",", "\n").splitlines() if a.strip()],
        slack_webhook=slack_webhook,
        auto_digest=auto_digest == "1",
    )
    return _back(done="rotation")


@router.post("/oncall/override", include_in_schema=False, dependencies=[CsrfChecked])
def override(
    session: SessionDep,
    user: CurrentUser,
    week: Annotated[str, Form(max_length=10)],
    engineer_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Put someone on call for one week (empty: back to the rotation)."""
    day = _day(week, "week")
    assert day is not None
    target = int(engineer_id) if engineer_id.strip().isdigit() else None
    set_override(session, workspace_id=user.workspace_id, user=user, week=day, engineer_id=target)
    return _back(done="override")


@router.post("/oncall/swap", include_in_schema=False, dependencies=[CsrfChecked])
def swap(
    session: SessionDep,
    user: CurrentUser,
    week_a: Annotated[str, Form(max_length=10)],
    week_b: Annotated[str, Form(max_length=10)],
) -> Response:
    """Swap the engineers of two weeks."""
    a, b = _day(week_a, "week_a"), _day(week_b, "week_b")
    assert a is not None and b is not None
    swap_weeks(session, workspace_id=user.workspace_id, user=user, week_a=a, week_b=b)
    return _back(done="swap")


@router.post("/oncall/digest", include_in_schema=False, dependencies=[CsrfChecked])
def digest(request: Request, user: CurrentUser, week: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Send a week's digest (default: last week) once; a second click sends nothing."""
    from frontdoor.workspace.permissions import require

    require(user, Action.ONCALL_NOTES)
    result = send_digest(
        get_store(request), workspace_id=user.workspace_id, week=_day(week, "week"), user=user
    )
    return _back(done="digest" if result.created else "dup", digest_week=result.week.isoformat())
