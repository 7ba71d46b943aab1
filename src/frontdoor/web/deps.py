"""Request dependencies with named aliases (``SessionDep``, ``CurrentUser``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from frontdoor.core.store import Store
from frontdoor.models import User


class LoginRequired(Exception):
    """Raised by :func:`current_user` when nobody is signed in; becomes a redirect."""


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def get_session(request: Request) -> Iterator[Session]:
    """A unit of work per request: committed when the handler returns normally."""
    with get_store(request).session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_user(request: Request, session: SessionDep) -> User:
    """The signed-in user, or :class:`LoginRequired`."""
    user_id = request.session.get("user_id")
    if not isinstance(user_id, int):
        raise LoginRequired
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        request.session.clear()
        raise LoginRequired
    return user


CurrentUser = Annotated[User, Depends(current_user)]


class CsrfFailed(Exception):
    """A form POST without the session's CSRF token; becomes a 400 page."""


async def verify_csrf(request: Request) -> None:
    """Check the ``csrf`` field of a form POST against the session's token.

    The parsed form is cached by Starlette, so handlers still read their ``Form`` fields.
    """
    from frontdoor.web.security import csrf_valid

    form = await request.form()
    submitted = form.get("csrf")
    if not csrf_valid(request.session, submitted if isinstance(submitted, str) else None):
        raise CsrfFailed


CsrfChecked = Depends(verify_csrf)
