"""Settings: sources and webhook secrets, PII rules, users and roles, invitations, API tokens."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import NotFound
from frontdoor.models import Role, Source, User
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.api_tokens import SCOPES, create_token, list_tokens, revoke_token
from frontdoor.workspace.invitations import create_invitation, list_invitations, revoke_invitation
from frontdoor.workspace.members import set_language, update_member
from frontdoor.workspace.permissions import Action, require
from frontdoor.workspace.users import list_users

router = APIRouter()


def mask(secret: str | None) -> str:
    """Show only the last four characters of a secret."""
    if not secret:
        return ""
    return "•" * 8 + secret[-4:]


def base_url(request: Request) -> str:
    """The public URL of the app (setting, else the request's own origin)."""
    configured = getattr(request.app.state.store.settings, "base_url", None)
    return str(configured or str(request.base_url)).rstrip("/")


def _pii(session: Session, workspace_id: int) -> dict[str, Any] | None:
    try:
        from frontdoor.ingest.pii import get_pii_config
    except ImportError:
        return None
    return get_pii_config(session, workspace_id=workspace_id)


def _settings_page(request: Request, session: Session, user: User, **extra: Any) -> Response:
    require(user, Action.ADMIN)
    ws = user.workspace_id
    sources = list(session.scalars(select(Source).where(Source.workspace_id == ws).order_by(Source.name)))
    ctx: dict[str, Any] = {
        "sources": sources,
        "mask": mask,
        "base": base_url(request),
        "pii": _pii(session, ws),
        "users": list_users(session, workspace_id=ws),
        "roles": [r.value for r in Role],
        "invitations": list_invitations(session, workspace_id=ws),
        "tokens": list_tokens(session, workspace_id=ws),
        "scopes": SCOPES,
        "new_token": None,
        "invite_link": None,
        "revealed": None,
    }
    ctx.update(extra)
    return render(request, "settings.html", ctx, user=user)


@router.get("/settings", include_in_schema=False)
def settings_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Everything an admin configures, on one page with anchors."""
    return _settings_page(request, session, user)


@router.post("/settings/sources/{source_id}/secret", dependencies=[CsrfChecked])
def regenerate_secret(request: Request, source_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Give a source a new webhook secret and show it once."""
    require(user, Action.ADMIN)
    source = session.get(Source, source_id)
    if source is None or source.workspace_id != user.workspace_id:
        raise NotFound(f"no source {source_id}")
    source.webhook_secret = secrets.token_urlsafe(32)
    session.flush()
    from frontdoor.ingest.webhooks import webhook_url

    url = webhook_url(source, base_url=base_url(request))
    return _settings_page(request, session, user, revealed=(source.id, source.webhook_secret, url))


@router.post("/settings/pii", dependencies=[CsrfChecked])
async def update_pii(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Switch built-in PII kinds and replace the workspace's own rules (``LABEL=regex`` lines)."""
    require(user, Action.ADMIN)
    from frontdoor.core.errors import ValidationError
    from frontdoor.ingest.pii import set_pii_config

    form = await request.form()
    kinds = [str(k) for k in form.getlist("kinds")]
    rules = []
    for line in str(form.get("rules", ""))[:20000].splitlines():
        if not line.strip():
            continue
        label, sep, pattern = line.partition("=")
        if not sep:
            raise ValidationError(f"rule {line[:40]!r}: write LABEL=pattern")
        rules.append({"label": label.strip(), "pattern": pattern.strip()})
    set_pii_config(session, workspace_id=user.workspace_id, kinds=kinds, rules=rules)
    return RedirectResponse("/settings#pii", status_code=303)


@router.post("/settings/users/{user_id}", dependencies=[CsrfChecked])
def change_member(
    user_id: int,
    session: SessionDep,
    user: CurrentUser,
    role: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """Change a member's role or deactivate them."""
    require(user, Action.ADMIN)
    update_member(
        session,
        workspace_id=user.workspace_id,
        user_id=user_id,
        role=role or None,
        is_active=None if not active else active == "1",
    )
    return RedirectResponse("/settings#users", status_code=303)


@router.post("/settings/invitations", dependencies=[CsrfChecked])
def invite(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form()],
) -> Response:
    """Create an invitation link (shown once)."""
    require(user, Action.ADMIN)
    _inv, token = create_invitation(
        session, workspace_id=user.workspace_id, email=email, role=role, invited_by_id=user.id
    )
    link = f"{base_url(request)}/invite/{token}"
    return _settings_page(request, session, user, invite_link=link)


@router.post("/settings/invitations/{invitation_id}/revoke", dependencies=[CsrfChecked])
def uninvite(invitation_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Revoke an open invitation."""
    require(user, Action.ADMIN)
    revoke_invitation(session, workspace_id=user.workspace_id, invitation_id=invitation_id)
    return RedirectResponse("/settings#invitations", status_code=303)


@router.post("/settings/tokens", dependencies=[CsrfChecked])
async def new_token(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Create an API token and show it once."""
    require(user, Action.ADMIN)
    form = await request.form()
    _token, clear = create_token(
        session,
        workspace_id=user.workspace_id,
        user_id=user.id,
        name=str(form.get("name", ""))[:200],
        scopes=[str(s) for s in form.getlist("scopes")],
    )
    return _settings_page(request, session, user, new_token=clear)


@router.post("/settings/tokens/{token_id}/revoke", dependencies=[CsrfChecked])
def drop_token(token_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """Revoke an API token."""
    require(user, Action.ADMIN)
    revoke_token(session, workspace_id=user.workspace_id, token_id=token_id)
    return RedirectResponse("/settings#tokens", status_code=303)


@router.post("/me/language", dependencies=[CsrfChecked])
def choose_language(
    session: SessionDep,
    user: CurrentUser,
    language: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/",
) -> Response:
    """Switch the signed-in user's UI language."""
    set_language(session, user=user, language=language)
    target = back if back.startswith("/") and not back.startswith("//") else "/"
    return RedirectResponse(target, status_code=303)
