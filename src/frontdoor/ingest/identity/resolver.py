"""Resolving one record's contact and account: find by key, else create race-safely.

The order of the keys is the package's (:mod:`frontdoor.ingest.identity`). Every create
is an insert that ignores unique conflicts, followed by a re-select when another session
won; what lost is deleted again in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.orm import Session

from frontdoor.core.text.email import email_domain, is_free_mail, normalize_domain, normalize_email
from frontdoor.ingest.identity.bulk import create_missing_accounts, create_missing_contacts
from frontdoor.ingest.identity.keys import KeyCache
from frontdoor.ingest.identity.sql import (
    ACCOUNT,
    CONTACT,
    DOMAIN,
    IDENTITY,
    insert_ignore,
    insert_returning,
    statement,
)
from frontdoor.ingest.identity.values import Plan, Resolved, account_values, contact_values, names_company
from frontdoor.integrations.base import AccountRef, ContactRef
from frontdoor.models import Account, Contact, IdentityKind

__all__ = ["IdentityResolver", "resolve_identity"]


class IdentityResolver:
    """Resolve contacts and accounts for one source, with per-import caches.

    Parameters
    ----------
    session : Session
        The session of the current batch (see :meth:`bind`).
    workspace_id, source_id : int
        Scope of the records.

    Attributes
    ----------
    accounts_created, contacts_created : int
        Rows this resolver created.
    """

    def __init__(self, session: Session, *, workspace_id: int, source_id: int) -> None:
        self.workspace_id = workspace_id
        self.source_id = source_id
        self.accounts_created = 0
        self.contacts_created = 0
        self.keys = KeyCache(session, workspace_id=workspace_id, source_id=source_id)
        # Inside resolve_many: identity rows and account links wait for one executemany.
        self._defer = False
        self._pending_ident: list[dict[str, Any]] = []
        self._pending_links: list[dict[str, Any]] = []

    @property
    def session(self) -> Session:
        """The session of the current batch."""
        return self.keys.session

    def bind(self, session: Session) -> None:
        """Use ``session`` from now on (the caches stay valid after a commit)."""
        self.keys.session = session

    def clear(self) -> None:
        """Drop the caches (after a rollback, or to bound memory)."""
        self.keys.clear()

    def prefetch(self, refs: Iterable[tuple[ContactRef | None, AccountRef | None]]) -> None:
        """Load every key the given refs mention with a few bulk selects."""
        self.keys.prefetch(refs)

    # -- resolution -----------------------------------------------------------------

    def resolve(self, contact: ContactRef | None, account: AccountRef | None = None) -> Resolved:
        """Find or create the contact and account a record names.

        Parameters
        ----------
        contact : ContactRef or None
            The person (its ``account`` is used when ``account`` is not given).
        account : AccountRef or None
            The company the record names explicitly.

        Returns
        -------
        Resolved
        """
        account, account_id, contact_id, email, corp_domain = self.plan(contact, account)
        if account_id is None:
            if names_company(account):
                account_id = self._create_account(account, fallback_domain=corp_domain)
            elif corp_domain:
                account_id = self._create_account(AccountRef(domain=corp_domain), fallback_domain=None)
        if contact is not None:
            if contact_id is None:
                contact_id = self._create_contact(contact, email, account_id)
            elif account_id is not None and self.keys.contact_account.get(contact_id) is None:
                self._link(contact_id, account_id)
            if contact_id is not None:
                self._remember_identity(IdentityKind.CONTACT, contact.external_id, contact_id=contact_id)
        if account is not None and account_id is not None:
            self._remember_identity(IdentityKind.ACCOUNT, account.external_id, account_id=account_id)
        return Resolved(account_id=account_id, contact_id=contact_id)

    def resolve_many(self, pairs: Sequence[tuple[ContactRef | None, AccountRef | None]]) -> list[Resolved]:
        """Resolve many records at once: bulk selects, bulk inserts, then cached lookups.

        Equivalent to calling :meth:`resolve` for each pair in order, with a handful of
        statements per call instead of several per new contact.
        """
        if not pairs:
            return []
        self.prefetch(pairs)
        create_missing_accounts(self, pairs)
        create_missing_contacts(self, pairs)
        self._defer = True
        try:
            results = [self.resolve(contact, account) for contact, account in pairs]
        finally:
            self._defer = False
            self._flush_pending()
        return results

    def plan(self, contact: ContactRef | None, account: AccountRef | None) -> Plan:
        """What :meth:`resolve` finds from the keys before it creates anything."""
        account = account or (contact.account if contact else None)
        account_id = self._find_account(account) if account else None
        email = normalize_email(contact.email) if contact else None
        contact_id = self._find_contact(contact, email) if contact is not None else None
        if account_id is None and contact_id is not None:
            account_id = self.keys.contact_account.get(contact_id)
        corp = None
        if email:
            dom = email_domain(email)
            if dom and not is_free_mail(dom):
                corp = dom
        if account_id is None and corp:
            account_id = self.keys.lookup("domain", corp)
        return Plan(account, account_id, contact_id, email, corp)

    def _link(self, contact_id: int, account_id: int) -> None:
        """A contact first seen without a company gets one as soon as we know it."""
        if self._defer:
            self._pending_links.append({"_cid": contact_id, "_aid": account_id})
        else:
            self.session.execute(
                update(Contact).where(Contact.id == contact_id).values(account_id=account_id)
            )
        self.keys.contact_account[contact_id] = account_id

    def _flush_pending(self) -> None:
        s = self.session
        if self._pending_ident:
            rows, self._pending_ident = self._pending_ident, []
            s.execute(statement(s.get_bind().dialect.name, IDENTITY, None, True), rows)
        if self._pending_links:
            links, self._pending_links = self._pending_links, []
            s.execute(
                update(CONTACT).where(CONTACT.c.id == bindparam("_cid")).values(account_id=bindparam("_aid")),
                links,
            )

    def _find_account(self, account: AccountRef) -> int | None:
        if account.external_id:
            found = self.keys.lookup("account", str(account.external_id)[:200])
            if found is not None:
                return found
        dom = normalize_domain(account.domain)
        if dom and not is_free_mail(dom):
            found = self.keys.lookup("domain", dom)
            if found is not None:
                return found
        if account.name and account.name.strip():
            return self.keys.lookup("name", account.name.strip()[:300])
        return None

    def _find_contact(self, contact: ContactRef, email: str | None) -> int | None:
        if contact.external_id:
            found = self.keys.lookup("contact", str(contact.external_id)[:200])
            if found is not None:
                return found
        if contact.member_id:
            found = self.keys.lookup("member", str(contact.member_id).strip()[:200])
            if found is not None:
                return found
        if email:
            return self.keys.lookup("email", email)
        return None

    def _remember_identity(
        self,
        kind: IdentityKind,
        external_id: str | None,
        *,
        account_id: int | None = None,
        contact_id: int | None = None,
    ) -> None:
        if not external_id:
            return
        ext = str(external_id)[:200]
        if (kind, ext) in self.keys.ident:
            return
        row = {
            "workspace_id": self.workspace_id,
            "source_id": self.source_id,
            "kind": kind,
            "external_id": ext,
            "account_id": account_id,
            "contact_id": contact_id,
        }
        if self._defer:
            self._pending_ident.append(row)
        else:
            insert_ignore(self.session, IDENTITY, row)
        target = account_id if kind == IdentityKind.ACCOUNT else contact_id
        if target is not None:
            self.keys.ident[(kind, ext)] = target

    # -- creating -------------------------------------------------------------------

    def _create_account(self, account: AccountRef, *, fallback_domain: str | None) -> int | None:
        s = self.session
        values = account_values(self.workspace_id, account, fallback_domain=fallback_domain)
        if values is None:
            return None
        dom = values.pop("_domain")
        name = values["name"]
        account_id: int = insert_returning(s, ACCOUNT, values, ACCOUNT.c.id)
        if dom:
            won = insert_ignore(
                s,
                DOMAIN,
                {"workspace_id": self.workspace_id, "account_id": account_id, "domain": dom},
                returning=DOMAIN.c.id,
            )
            if won is None:
                # Another session registered this domain first: use its account.
                s.execute(delete(Account).where(Account.id == account_id))
                self.keys.queried.discard(("domain", dom))
                return self.keys.lookup("domain", dom)
            self.keys.remember("domain", dom, account_id)
        self.accounts_created += 1
        self.keys.name.setdefault(name, account_id)
        self.keys.queried.add(("name", name))
        return account_id

    def _create_contact(self, contact: ContactRef, email: str | None, account_id: int | None) -> int | None:
        values = contact_values(self.workspace_id, contact, email, account_id)
        if values is None:
            return None
        member = values["member_id"]
        s = self.session
        if member or email:
            cid = insert_ignore(s, CONTACT, values, returning=CONTACT.c.id)
            if cid is None:
                # Lost a race (or the other unique key matched): re-select.
                if member:
                    self.keys.queried.discard(("member", member))
                    cid = self.keys.lookup("member", member)
                if cid is None and email:
                    self.keys.queried.discard(("email", email))
                    cid = self.keys.lookup("email", email)
                return cid
        else:
            # Known only by the source's id: the Identity row is the unique key.
            cid = insert_returning(s, CONTACT, values, CONTACT.c.id)
            ext = str(contact.external_id)[:200]
            won = insert_ignore(
                s,
                IDENTITY,
                {
                    "workspace_id": self.workspace_id,
                    "source_id": self.source_id,
                    "kind": IdentityKind.CONTACT,
                    "external_id": ext,
                    "contact_id": cid,
                },
                returning=IDENTITY.c.id,
            )
            if won is None:
                s.execute(delete(Contact).where(Contact.id == cid))
                self.keys.queried.discard(("contact", ext))
                return self.keys.lookup("contact", ext)
            self.keys.ident[(IdentityKind.CONTACT, ext)] = cid
        self.contacts_created += 1
        self.keys.contact_account[cid] = account_id
        if member:
            self.keys.remember("member", member, cid)
        if email:
            self.keys.remember("email", email, cid)
        return cid


def resolve_identity(
    session: Session,
    *,
    workspace_id: int,
    source_id: int,
    contact: ContactRef | None,
    account: AccountRef | None = None,
) -> Resolved:
    """Resolve one record's contact and account (see :mod:`frontdoor.ingest.identity` for the order).

    For many records use one :class:`IdentityResolver` and its ``resolve_many``.
    """
    resolver = IdentityResolver(session, workspace_id=workspace_id, source_id=source_id)
    return resolver.resolve(contact, account)
