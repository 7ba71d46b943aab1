"""The values identity resolution works with: what a record names, and the rows it creates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, TypeGuard

from frontdoor.core.text.email import is_free_mail, normalize_domain
from frontdoor.integrations.base import AccountRef, ContactRef

__all__ = ["Plan", "Resolved", "account_values", "bound", "contact_values", "names_company"]


def bound(value: str | None, n: int) -> str | None:
    """``value`` stripped and cut to ``n`` characters; ``None`` when empty."""
    if value is None:
        return None
    value = value.strip()
    return value[:n] if value else None


def names_company(account: AccountRef | None) -> TypeGuard[AccountRef]:
    """Whether ``account`` says enough to create an account from (an id, a name or a domain)."""
    return account is not None and bool(
        account.external_id or account.name or normalize_domain(account.domain)
    )


@dataclass(frozen=True, slots=True)
class Resolved:
    """The account and contact a record belongs to (either may be unknown)."""

    account_id: int | None
    contact_id: int | None


class Plan(NamedTuple):
    """What the caches already know about one record, before anything is created."""

    account: AccountRef | None
    account_id: int | None
    contact_id: int | None
    email: str | None
    corp_domain: str | None  # the contact's email domain, unless free mail


def account_values(
    workspace_id: int, account: AccountRef, *, fallback_domain: str | None
) -> dict[str, Any] | None:
    """The columns of a new account (``"_domain"``: the domain to claim), or ``None`` without a name."""
    dom = normalize_domain(account.domain)
    if dom and is_free_mail(dom):
        dom = None
    dom = dom or fallback_domain
    name = (account.name or "").strip()[:300] or dom or str(account.external_id or "")[:300]
    if not name:
        return None
    return {
        "workspace_id": workspace_id,
        "name": name,
        "plan": bound(account.plan, 64),
        "segment": bound(account.segment, 64),
        "arr": int(account.arr or 0),
        "currency": (account.currency or "KRW")[:3].upper(),
        "attributes": dict(account.attributes or {}),
        "_domain": dom,
    }


def contact_values(
    workspace_id: int, contact: ContactRef, email: str | None, account_id: int | None
) -> dict[str, Any] | None:
    """The columns of a new contact, or ``None`` when it has no key (id, member id, email)."""
    member = bound(str(contact.member_id), 200) if contact.member_id else None
    if not (contact.external_id or member or email):
        return None
    return {
        "workspace_id": workspace_id,
        "account_id": account_id,
        "name": (contact.name or "").strip()[:300],
        "email": email,
        "phone": bound(contact.phone, 64),
        "title": bound(contact.title, 200),
        "is_decision_maker": bool(contact.is_decision_maker),
        "member_id": member,
        "language": bound(contact.language, 8),
        "attributes": dict(contact.attributes or {}),
    }
