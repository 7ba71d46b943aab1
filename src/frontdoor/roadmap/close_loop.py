"""Close the loop: tell every contact who asked for a roadmap item that it shipped.

The flow, and the guarantee that nobody is told twice::

    mark_shipped / draft   one ``loop_notification`` row per (item, contact) who asked,
                           with the message rendered from the workspace's template in the
                           contact's language; the unique key makes a second draft a no-op.
                           Saving an item as shipped on the roadmap emits
                           :class:`~frontdoor.core.events.RoadmapItemShipped`, and
                           :func:`on_roadmap_item_shipped` drafts in that same transaction
    send                   each drafted row with an email address goes to
                           :func:`frontdoor.notifications.send.send_once` under the key
                           ``loop:<item>:<contact>`` (recorded once, delivered by the task
                           queue with retries); the row turns ``sending``, then ``sent``
                           when the delivery record says so (:func:`sync_delivery`)
    export_csv             every row (contacts without email included) as CSV; with
                           ``mark_told`` the untold rows become ``exported`` (told by hand)

Who asked: contacts of conversations carrying a *confirmed* tag of the item (or of a
descendant of one of its tags, :func:`frontdoor.roadmap.items.item_tag_ids`, as the
roadmap's demand counts do): the conversation's contact and
the contacts who wrote its customer messages.

Templates live in ``Workspace.settings["close_loop"]["templates"][lang]`` as
``{"subject": ..., "body": ...}`` over the defaults below. Placeholders: ``{name}``,
``{item}``, ``{account}``, ``{workspace}``; ``{{`` and ``}}`` are literal braces. Only
these names are substituted (no attribute or index access), and values are flattened to
one line, so customer-supplied names cannot reach headers or formatting machinery.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.core.events import RoadmapItemShipped
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.models import (
    Account,
    AssignmentStatus,
    AuthorKind,
    Contact,
    Conversation,
    LoopNotification,
    LoopStatus,
    Message,
    Notification,
    NotificationStatus,
    RoadmapItem,
    RoadmapStatus,
    TagAssignment,
    User,
    Workspace,
)
from frontdoor.roadmap.items import item_tag_ids
from frontdoor.workspace.permissions import Action, require

__all__ = [
    "DEFAULT_TEMPLATES",
    "PLACEHOLDERS",
    "DraftResult",
    "LoopRow",
    "LoopView",
    "Recipient",
    "SendResult",
    "draft",
    "export_csv",
    "loop_templates",
    "loop_view",
    "mark_shipped",
    "notification_key",
    "on_roadmap_item_shipped",
    "recipients",
    "render_template",
    "retry_failed",
    "send",
    "set_template",
    "sync_delivery",
]

LANGUAGES = ("ko", "en")
PLACEHOLDERS = ("name", "item", "account", "workspace")
MAX_SUBJECT = 200
MAX_BODY = 5000
# A value substituted into a template is cut here: names are short; keep mail sane.
MAX_VALUE = 200

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "ko": {
        "subject": "요청하신 '{item}' 기능이 출시되었습니다",
        "body": (
            "{name}님, 안녕하세요.\n\n"
            "{account}에서 말씀해 주신 의견을 반영해 '{item}' 기능을 출시했습니다.\n"
            "소중한 의견을 들려주셔서 감사합니다.\n\n"
            "사용하시다가 불편한 점이 있으면 이 메일에 바로 회신해 주세요.\n\n"
            "{workspace} 드림"
        ),
    },
    "en": {
        "subject": "'{item}' is now available",
        "body": (
            "Hi {name},\n\n"
            "You told us what {account} needed, and '{item}' has now shipped.\n"
            "Thank you for taking the time to tell us.\n\n"
            "If anything still gets in your way, just reply to this email.\n\n"
            "The {workspace} team"
        ),
    },
}
# When the contact's name is unknown.
FALLBACK_NAME = {"ko": "고객", "en": "there"}
FALLBACK_ACCOUNT = {"ko": "고객사", "en": "your team"}

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_]*)\}|[{}]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


# ------------------------------------------------------------------------- templates


def _tokens(template: str) -> list[tuple[str, str | None]]:
    """Split ``template`` into (literal, placeholder) pieces; raise on a bad brace."""
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for match in _TOKEN.finditer(template):
        literal = template[pos : match.start()]
        token = match.group(0)
        pos = match.end()
        if token in ("{{", "}}"):
            pieces.append((literal + token[0], None))
        elif token in ("{", "}"):
            raise ValidationError(
                f"template: stray {token!r} at character {match.start() + 1} (write {token * 2} for a brace)"
            )
        else:
            name = match.group(1)
            if name not in PLACEHOLDERS:
                allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                raise ValidationError(f"template: unknown placeholder {{{name}}} (allowed: {allowed})")
            pieces.append((literal, name))
    pieces.append((template[pos:], None))
    return pieces


def _flat(value: str) -> str:
    """One line, bounded: a value never adds lines or header breaks to a message."""
    return " ".join(_CONTROL.sub(" ", value).split())[:MAX_VALUE]


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Substitute the allowed placeholders of ``template`` with ``values``.

    Parameters
    ----------
    template : str
        Text with ``{name}``, ``{item}``, ``{account}``, ``{workspace}``; ``{{`` and ``}}``
        stand for literal braces.
    values : Mapping[str, str]
        Placeholder values; each is flattened to one line of at most 200 characters.

    Returns
    -------
    str

    Raises
    ------
    ValidationError
        An unknown placeholder or a stray brace.

    Examples
    --------
    >>> render_template("Hi {name} {{ok}}", {"name": "Kim\\nBcc: x"})
    'Hi Kim Bcc: x {ok}'
    """
    out: list[str] = []
    for literal, name in _tokens(template):
        out.append(literal)
        if name is not None:
            out.append(_flat(values.get(name, "")))
    return "".join(out)


def loop_templates(workspace: Workspace) -> dict[str, dict[str, str]]:
    """The workspace's templates per language: its own settings over the defaults."""
    own = (workspace.settings or {}).get("close_loop", {}).get("templates", {})
    merged: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        entry = own.get(lang, {}) if isinstance(own, dict) else {}
        merged[lang] = {
            part: str(entry[part])
            if isinstance(entry, dict) and entry.get(part)
            else DEFAULT_TEMPLATES[lang][part]
            for part in ("subject", "body")
        }
    return merged


def set_template(
    session: Session, *, workspace_id: int, user: User, language: str, subject: str, body: str
) -> dict[str, str]:
    """Save the workspace's close-the-loop template for ``language``.

    An empty ``subject`` or ``body`` restores that part's default.

    Raises
    ------
    PermissionDenied
        The user may not edit the roadmap.
    ValidationError
        Unknown language, too long, or a bad placeholder (nothing is saved).
    """
    require(user, Action.EDIT_ROADMAP)
    if language not in LANGUAGES:
        raise ValidationError(f"language: must be one of {', '.join(LANGUAGES)}")
    subject, body = subject.strip(), body.strip()
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(f"subject: at most {MAX_SUBJECT} characters")
    if len(body) > MAX_BODY:
        raise ValidationError(f"body: at most {MAX_BODY} characters")
    if "\n" in subject or "\r" in subject:
        raise ValidationError("subject: one line only")
    _tokens(subject)
    _tokens(body)
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound(f"workspace {workspace_id}")
    settings = dict(workspace.settings or {})
    section = dict(settings.get("close_loop") or {})
    templates = dict(section.get("templates") or {})
    templates[language] = {"subject": subject, "body": body}
    section["templates"] = templates
    settings["close_loop"] = section
    # A new dict: JSON columns only notice reassignment.
    workspace.settings = settings
    session.flush()
    return loop_templates(workspace)[language]


# ------------------------------------------------------------------------ recipients


@dataclass
class Recipient:
    """A contact who asked for an item, with the conversations that show it."""

    contact_id: int
    name: str
    email: str | None
    language: str | None
    account_id: int | None
    account_name: str
    conversation_ids: list[int] = field(default_factory=list)


def _item(session: Session, workspace_id: int, item_id: int) -> RoadmapItem:
    item = session.get(RoadmapItem, item_id)
    if item is None or item.workspace_id != workspace_id:
        raise NotFound(f"roadmap item {item_id}")
    return item


def recipients(session: Session, *, workspace_id: int, item_id: int) -> list[Recipient]:
    """Every contact whose conversations carry a confirmed tag of the item.

    Parameters
    ----------
    session : Session
        Open session.
    workspace_id, item_id : int
        The roadmap item (in this workspace).

    Returns
    -------
    list[Recipient]
        One per contact, ordered by account name, then contact name and id; each with
        the ids of its conversations, oldest first.

    Raises
    ------
    NotFound
        No such item in this workspace.
    """
    item = _item(session, workspace_id, item_id)
    tag_ids = item_tag_ids(session, workspace_id=workspace_id, item=item)
    if not tag_ids:
        return []
    asked = (
        select(TagAssignment.conversation_id)
        .where(
            TagAssignment.workspace_id == workspace_id,
            TagAssignment.status == AssignmentStatus.CONFIRMED,
            TagAssignment.tag_id.in_(tag_ids),
        )
        .distinct()
        .scalar_subquery()
    )
    pairs: set[tuple[int, int]] = set()
    opened: dict[int, Any] = {}
    for conv_id, contact_id, opened_at in session.execute(
        select(Conversation.id, Conversation.contact_id, Conversation.opened_at).where(
            Conversation.workspace_id == workspace_id, Conversation.id.in_(asked)
        )
    ):
        opened[conv_id] = opened_at
        if contact_id is not None:
            pairs.add((contact_id, conv_id))
    # People who wrote in a conversation count too (an email thread with colleagues on it).
    for conv_id, contact_id in session.execute(
        select(Message.conversation_id, Message.contact_id)
        .where(
            Message.workspace_id == workspace_id,
            Message.conversation_id.in_(asked),
            Message.contact_id.is_not(None),
            Message.author_kind == AuthorKind.CUSTOMER,
            Message.is_internal.is_(False),
        )
        .distinct()
    ):
        if contact_id is not None:
            pairs.add((contact_id, conv_id))
    if not pairs:
        return []
    by_contact: dict[int, list[int]] = {}
    for contact_id, conv_id in pairs:
        by_contact.setdefault(contact_id, []).append(conv_id)
    rows = session.execute(
        select(Contact, Account.name)
        .outerjoin(Account, Account.id == Contact.account_id)
        .where(Contact.workspace_id == workspace_id, Contact.id.in_(list(by_contact)))
    ).all()
    found = [
        Recipient(
            contact_id=contact.id,
            name=contact.name or "",
            email=(contact.email or "").strip() or None,
            language=contact.language,
            account_id=contact.account_id,
            account_name=account_name or "",
            conversation_ids=sorted(by_contact[contact.id], key=lambda c: (opened[c], c)),
        )
        for contact, account_name in rows
    ]
    return sorted(found, key=lambda r: (r.account_name, r.name, r.contact_id))


# ----------------------------------------------------------------------------- draft


@dataclass
class DraftResult:
    """What :func:`draft` did for one item."""

    item_id: int
    created: int
    already: int
    without_email: int

    def to_dict(self) -> dict[str, int]:
        """JSON-ready counts."""
        return dict(self.__dict__)


def _language(contact_language: str | None, workspace: Workspace) -> str:
    for lang in (contact_language, workspace.default_language):
        if lang and lang[:2].lower() in LANGUAGES:
            return lang[:2].lower()
    return "en"


def _message(
    recipient: Recipient, item: RoadmapItem, workspace: Workspace, templates: Mapping[str, Mapping[str, str]]
) -> tuple[str, str, str]:
    lang = _language(recipient.language, workspace)
    values = {
        "name": recipient.name.strip() or FALLBACK_NAME[lang],
        "item": item.title,
        "account": recipient.account_name.strip() or FALLBACK_ACCOUNT[lang],
        "workspace": workspace.name,
    }
    tpl = templates[lang]
    return lang, render_template(tpl["subject"], values), render_template(tpl["body"], values)


def draft(session: Session, *, workspace_id: int, item_id: int) -> DraftResult:
    """Draft one message per contact who asked for a shipped item (and only new ones).

    Contacts that already have a row keep it untouched, whatever its state, so running
    this again (or concurrently) adds nothing for them.

    Raises
    ------
    NotFound
        No such item.
    ValidationError
        The item is not shipped, or the workspace's template is broken.
    """
    item = _item(session, workspace_id, item_id)
    if item.status != RoadmapStatus.SHIPPED:
        raise ValidationError(f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first")
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None  # the item's foreign key guarantees it
    templates = loop_templates(workspace)
    found = recipients(session, workspace_id=workspace_id, item_id=item_id)
    have = set(
        session.scalars(
            select(LoopNotification.contact_id).where(
                LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id
            )
        )
    )
    created = 0
    for r in found:
        if r.contact_id in have:
            continue
        lang, subject, body = _message(r, item, workspace, templates)
        row = LoopNotification(
            workspace_id=workspace_id,
            roadmap_item_id=item_id,
            contact_id=r.contact_id,
            account_id=r.account_id,
            email=r.email,
            contact_name=r.name[:300],
            language=lang,
            subject=subject[:500],
            body=body,
            conversation_ids=r.conversation_ids,
            status=LoopStatus.DRAFTED,
            attempts=0,
        )
        try:
            # A savepoint per row: a concurrent draft of the same contact loses quietly.
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        created += 1
    return DraftResult(
        item_id=item_id,
        created=created,
        already=len(found) - created,
        without_email=sum(1 for r in found if not r.email),
    )


def on_roadmap_item_shipped(session: Session, event: RoadmapItemShipped) -> None:
    """Draft the messages of an item saved as shipped, in the same transaction (see :func:`draft`)."""
    draft(session, workspace_id=event.workspace_id, item_id=event.item_id)


def mark_shipped(session: Session, *, workspace_id: int, item_id: int, user: User | None) -> DraftResult:
    """Mark an item shipped (keeping an earlier ``shipped_at``) and draft its messages.

    ``user`` is ``None`` for the operator at the command line (trusted like every command).

    Raises
    ------
    PermissionDenied
        The user may not edit the roadmap.
    NotFound
        No such item.
    """
    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    item = _item(session, workspace_id, item_id)
    if item.status != RoadmapStatus.SHIPPED:
        item.status = RoadmapStatus.SHIPPED
    if item.shipped_at is None:
        item.shipped_at = utcnow()
    session.flush()
    return draft(session, workspace_id=workspace_id, item_id=item_id)


# ------------------------------------------------------------------------------ send


def notification_key(item_id: int, contact_id: int) -> str:
    """The delivery record's dedupe key for one contact's message about one item."""
    return f"loop:{item_id}:{contact_id}"


@dataclass
class SendResult:
    """What :func:`send` did: counts of rows by what happened to them."""

    item_id: int
    queued: int
    already_told: int
    without_email: int
    failed: int
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts."""
        return dict(self.__dict__)


def sync_delivery(session: Session, *, workspace_id: int, item_id: int) -> int:
    """Carry delivery outcomes (sent, given up) from the delivery records into the rows.

    Returns
    -------
    int
        Rows changed.
    """
    rows = list(
        session.scalars(
            select(LoopNotification).where(
                LoopNotification.workspace_id == workspace_id,
                LoopNotification.roadmap_item_id == item_id,
                LoopNotification.status.in_([LoopStatus.SENDING, LoopStatus.FAILED]),
            )
        )
    )
    if not rows:
        return 0
    keys = {notification_key(item_id, r.contact_id): r for r in rows}
    changed = 0
    for note in session.scalars(
        select(Notification).where(
            Notification.workspace_id == workspace_id, Notification.dedupe_key.in_(list(keys))
        )
    ):
        row = keys[note.dedupe_key]
        row.attempts = note.attempts
        if note.status == NotificationStatus.SENT and row.status != LoopStatus.SENT:
            row.status = LoopStatus.SENT
            row.told_at = note.sent_at or utcnow()
            row.last_error = None
            changed += 1
        elif note.status == NotificationStatus.FAILED and note.next_attempt_at is None:
            if row.status != LoopStatus.FAILED:
                row.status = LoopStatus.FAILED
                changed += 1
            row.last_error = (note.last_error or "delivery failed")[:1000]
        elif note.status != NotificationStatus.FAILED and row.status == LoopStatus.FAILED:
            # Re-armed by a retry: it is on its way again.
            row.status = LoopStatus.SENDING
            changed += 1
    session.flush()
    return changed


def _require_email(store: Store) -> None:
    """Refuse before claiming anything when email is off: rows stay drafted, nothing is lost."""
    from frontdoor.integrations.outbound.email import SmtpConfig

    if SmtpConfig.from_settings(store.settings) is None:
        raise ValidationError("email is off: set FRONTDOOR_SMTP_URL to send, or export CSV instead")


def send(store: Store, *, workspace_id: int, item_id: int, user: User | None = None) -> SendResult:
    """Email every drafted message of a shipped item that has an address, once.

    Each row is claimed (``drafted`` -> ``sending``) with one conditional UPDATE before
    it is handed to :func:`~frontdoor.notifications.send.send_once`, whose key makes
    the delivery itself unique too; a row left ``sending`` by a crash is handed over
    again under the same key, which records and sends nothing new.

    Parameters
    ----------
    store : Store
        The store (delivery records are written in their own transactions).
    workspace_id, item_id : int
        The item.
    user : User, optional
        Who sends (checked for roadmap rights; recorded as ``told_by``).

    Raises
    ------
    NotFound
        No such item.
    ValidationError
        The item is not shipped, or email is off (no ``FRONTDOOR_SMTP_URL``).
    """
    from frontdoor.integrations.outbound import email_payload
    from frontdoor.notifications.send import send_once

    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    _require_email(store)
    with store.session() as session:
        item = _item(session, workspace_id, item_id)
        if item.status != RoadmapStatus.SHIPPED:
            raise ValidationError(
                f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first"
            )
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
        rows = [
            (r.id, r.contact_id, r.email, r.subject, r.body, r.status)
            for r in session.scalars(
                select(LoopNotification)
                .where(
                    LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id
                )
                .order_by(LoopNotification.id)
            )
        ]
    result = SendResult(item_id=item_id, queued=0, already_told=0, without_email=0, failed=0)
    user_id = user.id if user is not None else None
    for row_id, contact_id, email, subject, body, status in rows:
        if status in (LoopStatus.SENT, LoopStatus.EXPORTED, LoopStatus.FAILED):
            # Failed ones are retried through the delivery record, never re-sent from here.
            result.already_told += status != LoopStatus.FAILED
            result.failed += status == LoopStatus.FAILED
            continue
        if not email:
            result.without_email += 1
            continue
        if status == LoopStatus.DRAFTED:
            with store.session() as session:
                claimed = getattr(
                    session.execute(
                        update(LoopNotification)
                        .where(LoopNotification.id == row_id, LoopNotification.status == LoopStatus.DRAFTED)
                        .values(status=LoopStatus.SENDING, told_by_id=user_id, updated_at=utcnow())
                    ),
                    "rowcount",
                    0,
                )
            if not claimed:  # another sender took it (or it was exported) meanwhile
                result.already_told += 1
                continue
        try:
            recorded = send_once(
                store,
                workspace_id=workspace_id,
                key=notification_key(item_id, contact_id),
                channel="email",
                target=email,
                payload=email_payload(subject=subject, text=body),
            )
        except ValidationError as exc:  # e.g. an address the delivery layer refuses
            with store.session() as session:
                session.execute(
                    update(LoopNotification)
                    .where(LoopNotification.id == row_id)
                    .values(status=LoopStatus.FAILED, last_error=str(exc)[:1000], updated_at=utcnow())
                )
            result.failed += 1
            result.errors.append(f"contact {contact_id}: {exc}")
            continue
        if recorded.created:
            result.queued += 1
        else:
            result.already_told += 1
    with store.session() as session:
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    return result


def retry_failed(store: Store, *, workspace_id: int, item_id: int, user: User | None = None) -> int:
    """Try the failed emails of an item once more, under the same delivery keys.

    A delivery that was given up is re-armed (:func:`~frontdoor.notifications.send.
    retry_notification`), so each contact still gets at most one email. Rows that never
    reached the delivery service (an address it refused) stay failed.

    Returns
    -------
    int
        Emails handed over again.
    """
    from frontdoor.notifications.send import retry_notification

    if user is not None:
        require(user, Action.EDIT_ROADMAP)
    _require_email(store)
    with store.session() as session:
        _item(session, workspace_id, item_id)
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
        failed = {
            notification_key(item_id, r.contact_id): r.id
            for r in session.scalars(
                select(LoopNotification).where(
                    LoopNotification.workspace_id == workspace_id,
                    LoopNotification.roadmap_item_id == item_id,
                    LoopNotification.status == LoopStatus.FAILED,
                )
            )
        }
        given_up = [
            (n.id, failed[n.dedupe_key])
            for n in session.scalars(
                select(Notification).where(
                    Notification.workspace_id == workspace_id,
                    Notification.dedupe_key.in_(list(failed)),
                    Notification.status == NotificationStatus.FAILED,
                    Notification.next_attempt_at.is_(None),
                )
            )
        ]
    retried = 0
    for notification_id, row_id in given_up:
        with store.session() as session:
            session.execute(
                update(LoopNotification)
                .where(LoopNotification.id == row_id, LoopNotification.status == LoopStatus.FAILED)
                .values(status=LoopStatus.SENDING, last_error=None, updated_at=utcnow())
            )
        try:
            retry_notification(store, workspace_id=workspace_id, notification_id=notification_id)
        except NotFound:  # re-armed by someone else meanwhile
            continue
        retried += 1
    with store.session() as session:
        sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    return retried


# ---------------------------------------------------------------------------- export

CSV_COLUMNS = (
    "contact_id",
    "name",
    "email",
    "account",
    "language",
    "status",
    "told_at",
    "conversation_ids",
    "subject",
    "body",
)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (customer text is untrusted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(
    session: Session, *, workspace_id: int, item_id: int, mark_told: bool = False, user: User | None = None
) -> str:
    """Every drafted contact of an item as CSV (contacts without email included).

    Parameters
    ----------
    mark_told : bool
        Record the rows not yet told as ``exported`` (told by hand, now): a later
        :func:`send` skips them.
    user : User, optional
        Who exports (needs roadmap rights when ``mark_told``).

    Returns
    -------
    str
        CSV text with a header row (:data:`CSV_COLUMNS`), one row per contact.
    """
    item = _item(session, workspace_id, item_id)
    if mark_told:
        if user is not None:
            require(user, Action.EDIT_ROADMAP)
        if item.status != RoadmapStatus.SHIPPED:
            raise ValidationError(
                f"roadmap item {item_id} is {item.status}, not shipped: mark it shipped first"
            )
        session.execute(
            update(LoopNotification)
            .where(
                LoopNotification.workspace_id == workspace_id,
                LoopNotification.roadmap_item_id == item_id,
                LoopNotification.status == LoopStatus.DRAFTED,
            )
            .values(
                status=LoopStatus.EXPORTED,
                told_at=utcnow(),
                told_by_id=user.id if user is not None else None,
                updated_at=utcnow(),
            )
        )
        session.expire_all()
    sync_delivery(session, workspace_id=workspace_id, item_id=item_id)
    view = loop_view(session, workspace_id=workspace_id, item_id=item_id)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in view.rows:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    row.contact_id,
                    row.name,
                    row.email or "",
                    row.account_name,
                    row.language,
                    row.status,
                    row.told_at.isoformat() if row.told_at else "",
                    " ".join(str(c) for c in row.conversation_ids),
                    row.subject,
                    row.body,
                )
            ]
        )
    return buf.getvalue()


# ------------------------------------------------------------------------------ view


@dataclass
class LoopRow:
    """One drafted message as the page and the CLI show it."""

    id: int
    contact_id: int
    name: str
    email: str | None
    account_id: int | None
    account_name: str
    language: str
    status: str
    told_at: Any
    conversation_ids: list[int]
    subject: str
    body: str
    last_error: str | None


@dataclass
class LoopView:
    """An item's close-the-loop state: its rows, counts, and contacts not drafted yet."""

    item: RoadmapItem
    rows: list[LoopRow]
    counts: dict[str, int]
    undrafted: list[Recipient]

    @property
    def without_email(self) -> int:
        """Rows that cannot be emailed (export them)."""
        return sum(1 for r in self.rows if not r.email)


def loop_view(session: Session, *, workspace_id: int, item_id: int) -> LoopView:
    """The item's rows (contact name order) with status counts and new contacts to draft.

    Raises
    ------
    NotFound
        No such item.
    """
    item = _item(session, workspace_id, item_id)
    records = session.execute(
        select(LoopNotification, Account.name)
        .outerjoin(Account, Account.id == LoopNotification.account_id)
        .where(
            and_(LoopNotification.workspace_id == workspace_id, LoopNotification.roadmap_item_id == item_id)
        )
    ).all()
    rows = sorted(
        (
            LoopRow(
                id=r.id,
                contact_id=r.contact_id,
                name=r.contact_name,
                email=r.email,
                account_id=r.account_id,
                account_name=account_name or "",
                language=r.language,
                status=str(r.status),
                told_at=r.told_at,
                conversation_ids=list(r.conversation_ids or []),
                subject=r.subject,
                body=r.body,
                last_error=r.last_error,
            )
            for r, account_name in records
        ),
        key=lambda r: (r.account_name, r.name, r.contact_id),
    )
    counts = {s.value: 0 for s in LoopStatus}
    for r in rows:
        counts[r.status] += 1
    drafted = {r.contact_id for r in rows}
    undrafted = [
        r
        for r in recipients(session, workspace_id=workspace_id, item_id=item_id)
        if r.contact_id not in drafted
    ]
    return LoopView(item=item, rows=rows, counts=counts, undrafted=undrafted)


def shipped_items(session: Session, *, workspace_id: int) -> Sequence[RoadmapItem]:
    """Shipped items, most recently shipped first."""
    return list(
        session.scalars(
            select(RoadmapItem)
            .where(RoadmapItem.workspace_id == workspace_id, RoadmapItem.status == RoadmapStatus.SHIPPED)
            .order_by(RoadmapItem.shipped_at.desc(), RoadmapItem.id)
        )
    )
