"""The per-import caches of identity keys, filled by a handful of bulk selects per batch.

Six kinds of key find a contact or an account: the source's ids for people and companies
(``contact``, ``account``: :class:`~frontdoor.models.Identity` rows), a contact's
``member`` id and ``email``, an account's ``domain`` and exact ``name``. A key looked up
once is remembered, found or not (:attr:`KeyCache.queried`), so a batch costs a few
``IN (...)`` selects however many records name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.text.email import email_domain, is_free_mail, normalize_domain, normalize_email
from frontdoor.ingest.rows import chunks
from frontdoor.integrations.base import AccountRef, ContactRef
from frontdoor.models import Account, AccountDomain, Contact, Identity, IdentityKind

__all__ = ["CHUNK", "KeyCache"]

CHUNK = 500
# Beyond this many keys looked up, the caches start again (bounded memory on huge imports).
_MAX_QUERIED = 500_000
_KINDS = ("contact", "account", "member", "email", "domain", "name")


class KeyCache:
    """Identity keys of one workspace and source, looked up in bulk and remembered.

    Parameters
    ----------
    session : Session
        The session of the current batch (replaced per batch).
    workspace_id, source_id : int
        Scope of the keys.

    Attributes
    ----------
    ident : dict
        ``(IdentityKind, source id)`` -> account or contact id.
    member, email, domain, name : dict
        Key -> contact id (member, email) or account id (domain, name).
    contact_account : dict
        Contact id -> its account id (``None`` when it has none yet).
    queried : set
        ``(kind, key)`` pairs already looked up, found or not.
    """

    def __init__(self, session: Session, *, workspace_id: int, source_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.source_id = source_id
        self.ident: dict[tuple[IdentityKind, str], int] = {}
        self.member: dict[str, int] = {}
        self.email: dict[str, int] = {}
        self.domain: dict[str, int] = {}
        self.name: dict[str, int] = {}
        self.contact_account: dict[int, int | None] = {}
        self.queried: set[tuple[str, str]] = set()

    def clear(self) -> None:
        """Forget every key (after a rollback, or to bound memory)."""
        for cache in (self.ident, self.member, self.email, self.domain, self.name):
            cache.clear()
        self.contact_account.clear()
        self.queried.clear()

    def remember(self, kind: str, key: str, target: int) -> None:
        """Record that ``kind`` key ``key`` belongs to ``target`` (member, email, domain, name)."""
        {"member": self.member, "email": self.email, "domain": self.domain, "name": self.name}[kind][key] = (
            target
        )
        self.queried.add((kind, key))

    def prefetch(self, refs: Iterable[tuple[ContactRef | None, AccountRef | None]]) -> None:
        """Load every key the given refs mention with a few bulk selects."""
        if len(self.queried) > _MAX_QUERIED:
            self.clear()
        keys: dict[str, set[str]] = {k: set() for k in _KINDS}
        for contact, account in refs:
            for acc in (account, contact.account if contact else None):
                if acc is None:
                    continue
                if acc.external_id:
                    keys["account"].add(str(acc.external_id)[:200])
                dom = normalize_domain(acc.domain)
                if dom:
                    keys["domain"].add(dom)
                if acc.name and acc.name.strip():
                    keys["name"].add(acc.name.strip()[:300])
            if contact is not None:
                if contact.external_id:
                    keys["contact"].add(str(contact.external_id)[:200])
                if contact.member_id:
                    keys["member"].add(str(contact.member_id).strip()[:200])
                email = normalize_email(contact.email)
                if email:
                    keys["email"].add(email)
                    dom = email_domain(email)
                    if dom and not is_free_mail(dom):
                        keys["domain"].add(dom)
        for kind, values in keys.items():
            todo = [v for v in values if (kind, v) not in self.queried]
            if todo:
                self.load(kind, todo)

    def load(self, kind: str, values: Sequence[str]) -> None:
        """Look up ``values`` of one kind of key, in chunks; remember them all as queried."""
        for chunk in chunks(list(values), CHUNK):
            self.queried.update((kind, v) for v in chunk)
            if kind in ("contact", "account"):
                self._load_identities(kind, chunk)
            elif kind in ("member", "email"):
                self._load_contacts(kind, chunk)
            elif kind == "domain":
                self._load_domains(chunk)
            elif kind == "name":
                self._load_names(chunk)

    def lookup(self, kind: str, value: str) -> int | None:
        """The id ``kind`` key ``value`` belongs to, looked up first if it never was."""
        if (kind, value) not in self.queried:
            self.load(kind, [value])
        if kind == "contact":
            return self.ident.get((IdentityKind.CONTACT, value))
        if kind == "account":
            return self.ident.get((IdentityKind.ACCOUNT, value))
        cache = {"member": self.member, "email": self.email, "domain": self.domain, "name": self.name}[kind]
        return cache.get(value)

    def _load_identities(self, kind: str, chunk: Sequence[str]) -> None:
        ikind = IdentityKind.CONTACT if kind == "contact" else IdentityKind.ACCOUNT
        col = Identity.contact_id if kind == "contact" else Identity.account_id
        rows = self.session.execute(
            select(Identity.external_id, col).where(
                Identity.source_id == self.source_id,
                Identity.kind == ikind,
                Identity.external_id.in_(chunk),
            )
        )
        for ext, target in rows:
            if target is not None:
                self.ident[(ikind, ext)] = target
        if kind == "contact":
            self._load_contact_accounts([self.ident[(ikind, v)] for v in chunk if (ikind, v) in self.ident])

    def _load_contacts(self, kind: str, chunk: Sequence[str]) -> None:
        ccol = Contact.member_id if kind == "member" else Contact.email
        cache = self.member if kind == "member" else self.email
        for key, cid, aid in self.session.execute(
            select(ccol, Contact.id, Contact.account_id).where(
                Contact.workspace_id == self.workspace_id, ccol.in_(chunk)
            )
        ):
            if key is not None:
                cache[key] = cid
            self.contact_account[cid] = aid

    def _load_domains(self, chunk: Sequence[str]) -> None:
        for dom, aid in self.session.execute(
            select(AccountDomain.domain, AccountDomain.account_id).where(
                AccountDomain.workspace_id == self.workspace_id, AccountDomain.domain.in_(chunk)
            )
        ):
            self.domain[dom] = aid

    def _load_names(self, chunk: Sequence[str]) -> None:
        for name, aid in self.session.execute(
            select(Account.name, Account.id)
            .where(Account.workspace_id == self.workspace_id, Account.name.in_(chunk))
            .order_by(Account.id.desc())
        ):
            # Descending ids: the oldest account of a name wins.
            self.name[name] = aid

    def _load_contact_accounts(self, contact_ids: list[int]) -> None:
        todo = [c for c in contact_ids if c not in self.contact_account]
        if todo:
            for cid, aid in self.session.execute(
                select(Contact.id, Contact.account_id).where(Contact.id.in_(todo))
            ):
                self.contact_account[cid] = aid
