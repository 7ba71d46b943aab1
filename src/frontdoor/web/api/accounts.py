"""GET /accounts and GET /accounts/{id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from frontdoor.accounts.listing import get_account, list_accounts
from frontdoor.web.api.deps import ReadToken
from frontdoor.web.api.schemas import AccountPublic
from frontdoor.web.deps import SessionDep

router = APIRouter(tags=["accounts"])


@router.get("/accounts", response_model=list[AccountPublic])
def accounts(
    session: SessionDep,
    token: ReadToken,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AccountPublic]:
    """Accounts by ARR (largest first) with their conversation counts."""
    rows = list_accounts(session, workspace_id=token.workspace_id, q=q, limit=limit, offset=offset)
    return [
        AccountPublic.model_validate(r.account).model_copy(update={"conversations": r.conversations})
        for r in rows
    ]


@router.get("/accounts/{account_id}", response_model=AccountPublic)
def account(account_id: int, session: SessionDep, token: ReadToken) -> AccountPublic:
    """One account."""
    d = get_account(session, workspace_id=token.workspace_id, account_id=account_id)
    return AccountPublic.model_validate(d.account).model_copy(update={"conversations": d.conversations})
