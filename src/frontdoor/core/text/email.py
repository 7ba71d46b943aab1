"""Email addresses and domains: the one copy of this knowledge in frontdoor.

Two kinds of address pass through frontdoor and they fail differently:

* a **customer** address comes from a source (a mail header, a chat profile, a CSV cell);
  one that is not an address is simply no identity key, and the record is still imported:
  :func:`normalize_email` returns ``None``;
* a **login** address is typed by a person (``frontdoor user add``, an invitation); one that
  is not an address is an error they must see: :func:`frontdoor.workspace.users.login_email`
  raises on the ``None`` this module gives.

Both accept the same addresses, normalized the same way (trimmed, angle brackets from a
header's ``<addr>`` removed, lower-cased), so a customer who is also a user has one spelling.

Free-mail domains (gmail.com, naver.com, ...) say nothing about the customer's company:
they never create or match an account (:func:`is_free_mail`).
"""

from __future__ import annotations

import re

__all__ = ["FREE_MAIL_DOMAINS", "email_domain", "is_free_mail", "normalize_domain", "normalize_email"]

# Consumer mail providers, global and Korean. An address there names a person, not a company.
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # global
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.com",
        "proton.me",
        "protonmail.com",
        # Korean
        "naver.com",
        "daum.net",
        "hanmail.net",
        "kakao.com",
        "nate.com",
        "yahoo.co.kr",
        "korea.com",
        "hanmir.com",
        "empas.com",
        "paran.com",
        "dreamwiz.com",
        "chol.com",
        "lycos.co.kr",
    }
)

# An address is local@host.tld with no whitespace and one "@"; RFC 5321 caps it at 320.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAX_EMAIL = 320
_HOST = re.compile(r"^[a-z0-9.\-\u00a1-\uffff]+$")


def normalize_email(email: str | None) -> str | None:
    """A trimmed, lower-cased address, or ``None`` when ``email`` is not one.

    Parameters
    ----------
    email : str or None
        An address as a source or a person wrote it; ``<a@b.co>`` (header form) is accepted.

    Returns
    -------
    str or None
        ``"a@b.co"`` for ``" <A@B.co> "``; ``None`` for empty text, text without
        ``local@host.tld``, or more than 320 characters.
    """
    if not email:
        return None
    email = email.strip().strip("<>").lower()
    if len(email) > _MAX_EMAIL or not _EMAIL.match(email):
        return None
    return email


def normalize_domain(domain: str | None) -> str | None:
    """A bare lower-case host from a domain, URL or address.

    Parameters
    ----------
    domain : str or None
        ``https://www.Acme.co.kr/about``, ``acme.co.kr.``, ``user@acme.co.kr`` ...

    Returns
    -------
    str or None
        ``acme.co.kr`` for all of the above (scheme, path, port, user and ``www.``
        dropped); ``None`` when no dotted host of plausible characters is left.
    """
    if not domain:
        return None
    d = domain.strip().lower()
    if "://" in d:
        d = d.split("://", 1)[1]
    d = d.split("/", 1)[0].split("@")[-1].split(":", 1)[0].strip(".")
    if d.startswith("www."):
        d = d[4:]
    if "." not in d or len(d) > 253 or not _HOST.match(d):
        return None
    return d


def email_domain(email: str | None) -> str | None:
    """The normalized domain of an address (``Kim <kim@Acme.co.kr>`` -> ``acme.co.kr``), or ``None``."""
    if not email or "@" not in email:
        return None
    return normalize_domain(email.rsplit("@", 1)[1].strip().strip("<>"))


def is_free_mail(domain: str | None) -> bool:
    """Whether ``domain`` (already normalized) is a free-mail provider, never a company's domain."""
    return bool(domain) and domain in FREE_MAIL_DOMAINS
