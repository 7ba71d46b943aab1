"""Login addresses: normalized like customer addresses, but refused loudly."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from frontdoor.core.errors import AuthenticationError, ValidationError
from frontdoor.models import Workspace
from frontdoor.workspace.users import authenticate, create_user, login_email


def test_login_email_normalizes_like_a_customer_address() -> None:
    assert login_email(" Kim@Acme.co.kr ") == "kim@acme.co.kr"
    # Before there was one core, a login kept the brackets and stored "<kim@acme.co.kr>".
    assert login_email("<Kim@Acme.co.kr>") == "kim@acme.co.kr"


@pytest.mark.parametrize("raw", ["kim", "kim@acme", "kim at acme.co.kr", "", "x" * 320 + "@a.kr"])
def test_login_email_refuses_what_is_no_address(raw: str) -> None:
    with pytest.raises(ValidationError, match="not an email address"):
        login_email(raw)


def test_sign_in_with_the_address_as_typed_at_creation(session: Session, workspace: Workspace) -> None:
    create_user(
        session, workspace_id=workspace.id, email="<Lee@Acme.co.kr>", role="cx", password="pw-12345678"
    )
    assert authenticate(session, email="lee@acme.co.kr", password="pw-12345678").email == "lee@acme.co.kr"
    assert authenticate(session, email=" <LEE@acme.co.kr>", password="pw-12345678").email == "lee@acme.co.kr"
    with pytest.raises(AuthenticationError):
        authenticate(session, email="not an address", password="pw-12345678")
