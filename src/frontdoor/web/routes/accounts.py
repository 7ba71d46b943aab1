"""Accounts: list and detail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from frontdoor.services.accounts import get_account, list_accounts
from frontdoor.web.deps import CurrentUser, SessionDep
from frontdoor.web.templating import render

router = APIRouter()


@router.get("/accounts", include_in_schema=False)
def accounts(
    request: Request, session: SessionDep, user: CurrentUser, q: str = "", page: int = 0
) -> Response:
    """Accounts by ARR, with a name search."""
    page = max(0, min(page, 10_000))
    rows = list_accounts(session, workspace_id=user.workspace_id, q=q[:100], limit=50, offset=page * 50)
    return render(request, "accounts.html", {"rows": rows, "q": q, "page_no": page}, user=user)


@router.get("/accounts/{account_id}", include_in_schema=False)
def account(request: Request, account_id: int, session: SessionDep, user: CurrentUser) -> Response:
    """One account with contacts, recent conversations and surveys."""
    detail = get_account(session, workspace_id=user.workspace_id, account_id=account_id)
    return render(request, "account.html", {"d": detail}, user=user)
