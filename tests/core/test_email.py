"""The one copy of email and free-mail knowledge (core.text.email)."""

from __future__ import annotations

import pytest

from frontdoor.core.text.email import (
    FREE_MAIL_DOMAINS,
    email_domain,
    is_free_mail,
    normalize_domain,
    normalize_email,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" Kim@Acme.co.kr ", "kim@acme.co.kr"),
        ("<kim@acme.co.kr>", "kim@acme.co.kr"),  # header form
        ("kim@acme", None),  # no dot in the host
        ("kim at acme.co.kr", None),
        ("a@b@c.kr", None),
        ("", None),
        (None, None),
        ("x" * 310 + "@acme.co.kr", None),  # longer than 320
    ],
)
def test_normalize_email(raw: str | None, expected: str | None) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.co.kr/about", "acme.co.kr"),
        ("acme.co.kr.", "acme.co.kr"),
        ("acme.co.kr:8443", "acme.co.kr"),
        ("localhost", None),
        ("acme_corp.com", None),
        (None, None),
    ],
)
def test_normalize_domain(raw: str | None, expected: str | None) -> None:
    assert normalize_domain(raw) == expected


def test_email_domain_takes_the_host_of_any_address_form() -> None:
    # Both former copies agreed on plain addresses; they differed on these.
    assert email_domain("kim@Acme.co.kr>") == "acme.co.kr"  # header remnant (adapters' copy)
    assert email_domain("kim@www.acme.co.kr") == "acme.co.kr"  # www. dropped (identity's copy)
    assert email_domain("kim@acme.co.kr.") == "acme.co.kr"
    assert email_domain("no-at-sign") is None
    assert email_domain("kim@") is None


def test_free_mail_is_the_union_of_the_former_lists() -> None:
    # mac.com, gmx.com, chol.com and lycos.co.kr were free mail only for the file adapters.
    for domain in ("gmail.com", "naver.com", "mac.com", "gmx.com", "chol.com", "lycos.co.kr", "me.com"):
        assert is_free_mail(domain), domain
    assert len(FREE_MAIL_DOMAINS) == 27
    assert not is_free_mail("acme.co.kr")
    assert not is_free_mail(None)
    assert not is_free_mail("")
