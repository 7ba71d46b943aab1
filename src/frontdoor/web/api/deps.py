"""Bearer-token authentication and scope checks for the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from frontdoor.core.errors import AuthenticationError, PermissionDenied
from frontdoor.models import ApiToken
from frontdoor.web.deps import SessionDep
from frontdoor.workspace.api_tokens import authenticate_token, has_scope


def api_token(request: Request, session: SessionDep) -> ApiToken:
    """The token in ``Authorization: Bearer ...``, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AuthenticationError("missing bearer token")
    return authenticate_token(session, token=value.strip())


def scoped(scope: str) -> Callable[..., ApiToken]:
    """A dependency that returns the token when it carries ``scope``, else 403."""

    def dependency(token: Annotated[ApiToken, Depends(api_token)]) -> ApiToken:
        if not has_scope(token, scope):
            raise PermissionDenied(f"this token lacks the {scope!r} scope")
        return token

    return dependency


ReadToken = Annotated[ApiToken, Depends(scoped("read"))]
WriteToken = Annotated[ApiToken, Depends(scoped("write"))]
IngestToken = Annotated[ApiToken, Depends(scoped("ingest"))]
