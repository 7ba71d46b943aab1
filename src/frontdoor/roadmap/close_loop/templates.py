"""Close-the-loop message templates: the defaults, a workspace's own, and safe rendering.

Templates live in ``Workspace.settings["close_loop"]["templates"][lang]`` as
``{"subject": ..., "body": ...}`` over the defaults below. Placeholders: ``{name}``,
``{item}``, ``{account}``, ``{workspace}``; ``{{`` and ``}}`` are literal braces. Only
these names are substituted (no attribute or index access), and values are flattened to
one line, so customer-supplied names cannot reach headers or formatting machinery.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound, ValidationError
from frontdoor.models import User, Workspace
from frontdoor.workspace.permissions import Action, require

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
