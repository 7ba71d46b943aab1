"""Customer on-call for engineers: who is on call which week.

Rotation (``Workspace.settings["oncall"]``)::

    {"engineers": [user ids, in order], "week_start": "monday", "anchor": "2026-11-23",
     "overrides": {"2026-12-07": user id}, "email_to": ["team@x.kr"], "slack_webhook": "https://..."}

Weeks begin at local midnight of ``week_start`` in the workspace's timezone. The week
holding ``anchor`` belongs to the first engineer, the next to the second, and so on
around the list; an override (or a swap, which is two overrides) replaces the
engineer of one week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.db.base import utcnow
from frontdoor.insights.trends import local_midnight_utc, zone
from frontdoor.models import User, Workspace
from frontdoor.workspace.permissions import Action, require

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_ANCHOR = dt.date(2026, 1, 5)  # a Monday; any fixed day works


@dataclass(frozen=True)
class OncallConfig:
    """The rotation and digest settings of a workspace, checked."""

    engineers: tuple[int, ...] = ()
    week_start: int = 0  # 0 = Monday
    anchor: dt.date = DEFAULT_ANCHOR
    overrides: dict[dt.date, int] = field(default_factory=dict)
    email_to: tuple[str, ...] = ()
    slack_webhook: str | None = None
    dimension: str = "area"
    # Send last week's digest from the workers' sweep (else only when asked).
    auto_digest: bool = True

    def to_settings(self) -> dict[str, Any]:
        """The JSON form stored in ``Workspace.settings["oncall"]``."""
        out: dict[str, Any] = {
            "engineers": list(self.engineers),
            "week_start": WEEKDAYS[self.week_start],
            "anchor": self.anchor.isoformat(),
            "overrides": {d.isoformat(): u for d, u in sorted(self.overrides.items())},
            "email_to": list(self.email_to),
            "dimension": self.dimension,
            "auto_digest": self.auto_digest,
        }
        if self.slack_webhook:
            out["slack_webhook"] = self.slack_webhook
        return out


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def config_of(workspace: Workspace) -> OncallConfig:
    """The workspace's on-call settings (defaults where unset).

    Raises
    ------
    ValidationError
        A stored value is malformed (the message names it).
    """
    raw = (workspace.settings or {}).get("oncall") or {}
    if not isinstance(raw, dict):
        raise ValidationError("oncall settings must be an object")
    day = str(raw.get("week_start", "monday")).lower()
    if day not in WEEKDAYS:
        raise ValidationError(f"oncall.week_start: must be one of {', '.join(WEEKDAYS)}")
    overrides = {_date(k, "oncall.overrides"): int(v) for k, v in (raw.get("overrides") or {}).items()}
    return OncallConfig(
        engineers=tuple(int(u) for u in raw.get("engineers") or ()),
        week_start=WEEKDAYS.index(day),
        anchor=_date(raw.get("anchor", DEFAULT_ANCHOR), "oncall.anchor"),
        overrides=overrides,
        email_to=tuple(str(e) for e in raw.get("email_to") or ()),
        slack_webhook=str(raw["slack_webhook"]) if raw.get("slack_webhook") else None,
        dimension=str(raw.get("dimension") or "area"),
        auto_digest=raw.get("auto_digest") is not False,
    )


def _start_of_week(day: dt.date, week_start: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def week_of(when: dt.datetime | dt.date, *, tz: ZoneInfo, week_start: int = 0) -> dt.date:
    """The local first day of the week holding ``when``.

    Parameters
    ----------
    when : datetime or date
        An aware instant (converted to ``tz``) or a local date.
    tz : ZoneInfo
        The workspace's timezone.
    week_start : int
        0 for Monday ... 6 for Sunday.

    Examples
    --------
    >>> seoul = ZoneInfo("Asia/Seoul")
    >>> week_of(dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC), tz=seoul)  # Mon 01:00 in Seoul
    datetime.date(2026, 11, 30)
    """
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            raise ValidationError("week_of needs an aware datetime")
        day = when.astimezone(tz).date()
    else:
        day = when
    return _start_of_week(day, week_start)


def week_bounds(week: dt.date, *, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of the local week beginning on ``week``, as UTC instants (DST-aware)."""
    return local_midnight_utc(week, tz), local_midnight_utc(week + dt.timedelta(days=7), tz)


def engineer_for(config: OncallConfig, week: dt.date) -> tuple[int | None, bool]:
    """``(user id, overridden)`` on call in the week starting ``week`` (``None`` if nobody)."""
    week = _start_of_week(week, config.week_start)
    if week in config.overrides:
        return config.overrides[week], True
    if not config.engineers:
        return None, False
    index = (week - _start_of_week(config.anchor, config.week_start)).days // 7
    return config.engineers[index % len(config.engineers)], False


@dataclass(frozen=True)
class Shift:
    """One week of the rotation."""

    week: dt.date
    user_id: int | None
    user_name: str
    product_area: str | None
    overridden: bool


def workspace_of(session: Session, workspace_id: int) -> Workspace:
    """The workspace whose on-call this is.

    Raises
    ------
    NotFound
        No such workspace.
    """
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"workspace {workspace_id}")
    return ws


def schedule(
    session: Session, *, workspace_id: int, start: dt.date | None = None, weeks: int = 8
) -> list[Shift]:
    """The rotation for ``weeks`` weeks from the week holding ``start`` (default: today)."""
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    tz = zone(ws.timezone)
    first = week_of(start or utcnow(), tz=tz, week_start=config.week_start)
    users = {u.id: u for u in session.scalars(select(User).where(User.workspace_id == workspace_id))}
    shifts = []
    for i in range(max(0, min(weeks, 104))):
        week = first + dt.timedelta(weeks=i)
        uid, overridden = engineer_for(config, week)
        u = users.get(uid) if uid is not None else None
        shifts.append(
            Shift(
                week=week,
                user_id=uid,
                user_name=(u.name or u.email) if u else "",
                product_area=u.product_area if u else None,
                overridden=overridden,
            )
        )
    return shifts


def _members(session: Session, workspace_id: int, ids: Sequence[int]) -> None:
    known = set(
        session.scalars(
            select(User.id).where(User.workspace_id == workspace_id, User.id.in_(list(ids)), User.is_active)
        )
    )
    missing = [str(i) for i in ids if i not in known]
    if missing:
        raise ValidationError(f"engineers: no active member with id {', '.join(missing)} in this workspace")


def _save(ws: Workspace, config: OncallConfig) -> None:
    settings = dict(ws.settings or {})
    settings["oncall"] = config.to_settings()
    ws.settings = settings  # reassigned: JSON columns only notice a new value


def save_rotation(
    session: Session,
    *,
    workspace_id: int,
    user: User | None,
    engineers: Sequence[int],
    week_start: str = "monday",
    anchor: dt.date | None = None,
    email_to: Sequence[str] | None = None,
    slack_webhook: str | None = None,
    auto_digest: bool = True,
) -> OncallConfig:
    """Set the ordered rotation (admins); the week holding ``anchor`` (default: this one) is the first's.

    ``user`` is ``None`` for the operator at the command line.

    Raises
    ------
    PermissionDenied
        Not an admin.
    ValidationError
        Unknown weekday, duplicate or unknown members, bad address or webhook.
    """
    if user is not None:
        require(user, Action.ADMIN)
    ws = workspace_of(session, workspace_id)
    day = week_start.strip().lower()
    if day not in WEEKDAYS:
        raise ValidationError(f"week_start: must be one of {', '.join(WEEKDAYS)}")
    ids = [int(i) for i in engineers]
    if len(set(ids)) != len(ids):
        raise ValidationError("engineers: each member may appear once in the rotation")
    _members(session, workspace_id, ids)
    addresses = tuple(a.strip() for a in (email_to or ()) if a.strip())
    for a in addresses:
        if "@" not in a or len(a) > 320 or any(c in a for c in " ,;\r\n"):
            raise ValidationError(f"email_to: {a!r} is not one email address")
    hook = (slack_webhook or "").strip() or None
    if hook is not None and not hook.startswith(("https://", "http://")):
        raise ValidationError("slack_webhook: must be an incoming-webhook URL (https://...)")
    old = config_of(ws)
    tz = zone(ws.timezone)
    config = OncallConfig(
        engineers=tuple(ids),
        week_start=WEEKDAYS.index(day),
        anchor=week_of(anchor or utcnow(), tz=tz, week_start=WEEKDAYS.index(day)),
        overrides=old.overrides,
        email_to=addresses,
        slack_webhook=hook,
        dimension=old.dimension,
        auto_digest=auto_digest,
    )
    _save(ws, config)
    session.flush()
    return config


def set_override(
    session: Session, *, workspace_id: int, user: User | None, week: dt.date, engineer_id: int | None
) -> OncallConfig:
    """Put ``engineer_id`` on call for the week holding ``week`` (``None`` removes the override).

    Raises
    ------
    PermissionDenied
        Not allowed to keep on-call notes (the rotation's own members may trade weeks).
    ValidationError
        Unknown member.
    """
    if user is not None:
        require(user, Action.ONCALL_NOTES)
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    start = _start_of_week(week, config.week_start)
    overrides = dict(config.overrides)
    if engineer_id is None:
        overrides.pop(start, None)
    else:
        _members(session, workspace_id, [engineer_id])
        overrides[start] = engineer_id
    config = replace(config, overrides=overrides)
    _save(ws, config)
    session.flush()
    return config


def swap_weeks(
    session: Session, *, workspace_id: int, user: User, week_a: dt.date, week_b: dt.date
) -> OncallConfig:
    """Swap who is on call in two weeks (recorded as an override on each).

    Raises
    ------
    ValidationError
        One of the weeks has nobody on call.
    """
    require(user, Action.ONCALL_NOTES)
    ws = workspace_of(session, workspace_id)
    config = config_of(ws)
    a = _start_of_week(week_a, config.week_start)
    b = _start_of_week(week_b, config.week_start)
    who_a, _ = engineer_for(config, a)
    who_b, _ = engineer_for(config, b)
    if who_a is None or who_b is None:
        raise ValidationError("swap: both weeks need someone on call (set the rotation first)")
    overrides = {**config.overrides, a: who_b, b: who_a}
    config = replace(config, overrides=overrides)
    _save(ws, config)
    session.flush()
    return config
