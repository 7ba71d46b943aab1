"""Accounts: list with health, the ranked accounts to meet, detail with health, depth and pipeline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.accounts import text as account_text
from frontdoor.accounts.depth import relationship_depth
from frontdoor.accounts.health import (
    account_health,
    changes_since_last_snapshot,
    health_history,
    health_of_accounts,
    load_health_config,
)
from frontdoor.accounts.listing import get_account, list_accounts
from frontdoor.accounts.pipeline import change_stage, members, stage_counts, stage_history
from frontdoor.accounts.priority import load_priority_config, priority_list
from frontdoor.models import PipelineStage, User
from frontdoor.web.deps import CsrfChecked, CurrentUser, SessionDep
from frontdoor.web.templating import render
from frontdoor.workspace.permissions import Action, can

router = APIRouter()
STAGES = [s.value for s in PipelineStage]


def _texts(lang: str, hconfig: Any = None, pconfig: Any = None) -> dict[str, Any]:
    """Sentence makers bound to the page's language and the workspace's configuration."""
    return {
        "signal_name": lambda key: account_text.signal_name(key, lang),
        "signal_text": lambda sig: account_text.signal_text(sig, lang, hconfig),
        "change_text": lambda change: account_text.change_text(change, lang),
        "term_name": lambda key: account_text.term_name(key, lang),
        "term_text": lambda term, currency="": account_text.term_text(term, lang, pconfig, currency),
    }


def _owners(session: SessionDep, workspace_id: int) -> dict[int, User]:
    return {u.id: u for u in members(session, workspace_id=workspace_id)}


@router.get("/accounts", include_in_schema=False)
def accounts(
    request: Request, session: SessionDep, user: CurrentUser, q: str = "", page: int = 0
) -> Response:
    """Accounts by ARR, with a name search, each with its health band."""
    page = max(0, min(page, 10_000))
    ws = user.workspace_id
    rows = list_accounts(session, workspace_id=ws, q=q[:100], limit=50, offset=page * 50)
    healths = health_of_accounts(session, workspace_id=ws, accounts=[r.account for r in rows]) if rows else {}
    context = {
        "rows": rows,
        "q": q,
        "page_no": page,
        "healths": healths,
        "owners": _owners(session, ws),
        "stages": stage_counts(session, workspace_id=ws),
        **_texts(user.language, load_health_config(session, ws)),
    }
    return render(request, "accounts.html", context, user=user)


@router.get("/accounts/priority", include_in_schema=False)
def priority(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    stage: str = "",
    owner: str = "",
) -> Response:
    """The accounts to meet first, every term with its points and numbers."""
    ws = user.workspace_id
    stage = stage if stage in STAGES else ""
    owner_id = int(owner) if owner.isdigit() else None
    rows = priority_list(session, workspace_id=ws, stage=stage or None, owner_id=owner_id, limit=50)
    context = {
        "rows": rows,
        "stage": stage,
        "owner": owner_id,
        "owners": _owners(session, ws),
        "stage_names": STAGES,
        **_texts(user.language, load_health_config(session, ws), load_priority_config(session, ws)),
    }
    return render(request, "account_priority.html", context, user=user)


@router.get("/accounts/{account_id}", include_in_schema=False)
def account(request: Request, account_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """One account: health with reasons and history, relationship depth, pipeline, contacts, surveys."""
    ws = user.workspace_id
    detail = get_account(session, workspace_id=ws, account_id=account_id)
    health = account_health(session, workspace_id=ws, account_id=account_id)
    last, since_last = changes_since_last_snapshot(
        session, workspace_id=ws, account_id=account_id, current=health
    )
    context = {
        "d": detail,
        "health": health,
        "last_snapshot": last,
        "since_last": since_last,
        "history": health_history(session, workspace_id=ws, account_id=account_id, limit=12),
        "depth": relationship_depth(session, workspace_id=ws, account_id=account_id),
        "pipeline_log": stage_history(session, workspace_id=ws, account_id=account_id),
        "owners": _owners(session, ws),
        "stage_names": STAGES,
        "can_edit": can(user, Action.EDIT_ACCOUNTS),
        **_texts(user.language, load_health_config(session, ws)),
    }
    return render(request, "account.html", context, user=user)


@router.post("/accounts/{account_id}/stage", dependencies=[CsrfChecked], include_in_schema=False)
def move_stage(
    account_id: int,
    session: SessionDep,
    user: CurrentUser,
    stage: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Change the account's pipeline stage and owner; the change is logged with the reason."""
    change_stage(
        session,
        workspace_id=user.workspace_id,
        account_id=account_id,
        actor=user,
        stage=stage[:24],
        owner_id=int(owner) if owner.isdigit() else None,
        reason=reason[:2000],
    )
    return RedirectResponse(f"/accounts/{account_id}#pipeline", status_code=303)
