"""Identity resolution: who is talking, for which customer company.

A record names a person (:class:`~frontdoor.integrations.base.ContactRef`) and maybe a
company (:class:`~frontdoor.integrations.base.AccountRef`) in the source's own terms. They
are resolved to one :class:`~frontdoor.models.Contact` and one
:class:`~frontdoor.models.Account`, in this order (first match wins):

Contact
    1. the source's id for the person (an :class:`~frontdoor.models.Identity` row),
    2. the member id (the customer's own user id, unique per workspace),
    3. the email address (unique per workspace, compared lower-cased),
    4. else a new contact, when the record gives at least one of those three keys
       (a bare name is not enough: a re-import would create it again).
Account
    1. the source's id for the company (an Identity row),
    2. the account of the contact found above,
    3. the company domain, then the contact's email domain, through
       :class:`~frontdoor.models.AccountDomain` (free-mail domains such as gmail.com or
       naver.com never identify a company),
    4. the company name (exact),
    5. else a new account from the name, domain or id the record gives (with its domain
       recorded), or from the contact's company email domain.

New source ids are recorded as Identity rows so the next record resolves at step 1.

Creation is race-safe without locks: every insert into a table with a unique key is an
``INSERT ... ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite both support it) followed by
a re-select when another session won; an account or contact created for a key that lost
the race is deleted again inside the same transaction. This is the savepoint-and-retry
pattern without the savepoint round trips, so bulk imports stay fast.

For bulk imports, :class:`IdentityResolver` keeps per-import caches and
:meth:`IdentityResolver.prefetch` loads every key of a batch with a handful of
``IN (...)`` selects.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdoor.core.text.email import email_domain, is_free_mail, normalize_domain, normalize_email
from frontdoor.integrations.base import AccountRef, ContactRef
from frontdoor.models import Account, AccountDomain, Contact, Identity, IdentityKind

__all__ = ["IdentityResolver", "Resolved", "insert_ignore", "resolve_identity"]

_CHUNK = 500
_IDENTITY = cast(Table, Identity.__table__)
_DOMAIN = cast(Table, AccountDomain.__table__)
_CONTACT = cast(Table, Contact.__table__)
_ACCOUNT = cast(Table, Account.__table__)


_STATEMENTS: dict[tuple[str, str, str, bool], Any] = {}


def _statement(dialect: str, table: Table, returning: Any, ignore: bool) -> Any:
    # Built once per (dialect, table, returning): values come as parameters, so the
    # compiled form is reused instead of rebuilt for every row.
    key = (dialect, table.name, getattr(returning, "key", ""), ignore)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        if ignore:
            ins = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
            stmt = ins.on_conflict_do_nothing()
        else:
            stmt = table.insert()
        if returning is not None:
            stmt = stmt.returning(returning)
        _STATEMENTS[key] = stmt
    return stmt


def insert_ignore(session: Session, table: Table, values: dict[str, Any], returning: Any = None) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` on PostgreSQL or SQLite.

    Returns the ``returning`` column of the new row, or ``None`` when a conflicting row
    already existed (the caller re-selects).
    """
    stmt = _statement(session.get_bind().dialect.name, table, returning, True)
    result = session.execute(stmt, values)
    return None if returning is None else result.scalar()


def _insert_returning(session: Session, table: Table, values: dict[str, Any], returning: Any) -> Any:
    stmt = _statement(session.get_bind().dialect.name, table, returning, False)
    return session.execute(stmt, values).scalar_one()


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _bound(value: str | None, n: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value[:n] if value else None


@dataclass(frozen=True, slots=True)
class Resolved:
    """The account and contact a record belongs to (either may be unknown)."""

    account_id: int | None
    contact_id: int | None


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
        self.session = session
        self.workspace_id = workspace_id
        self.source_id = source_id
        self.accounts_created = 0
        self.contacts_created = 0
        self._ident: dict[tuple[IdentityKind, str], int] = {}
        self._member: dict[str, int] = {}
        self._email: dict[str, int] = {}
        self._domain: dict[str, int] = {}
        self._name: dict[str, int] = {}
        self._contact_account: dict[int, int | None] = {}
        self._queried: set[tuple[str, str]] = set()
        # Inside resolve_many: identity rows and account links wait for one executemany.
        self._defer = False
        self._pending_ident: list[dict[str, Any]] = []
        self._pending_links: list[dict[str, Any]] = []

    def bind(self, session: Session) -> None:
        """Use ``session`` from now on (the caches stay valid after a commit)."""
        self.session = session

    def clear(self) -> None:
        """Drop the caches (after a rollback, or to bound memory)."""
        for cache in (self._ident, self._member, self._email, self._domain, self._name):
            cache.clear()
        self._contact_account.clear()
        self._queried.clear()

    # -- bulk prefetch -------------------------------------------------------------

    def prefetch(self, refs: Iterable[tuple[ContactRef | None, AccountRef | None]]) -> None:
        """Load every key the given refs mention with a few bulk selects."""
        if len(self._queried) > 500_000:
            self.clear()
        keys: dict[str, set[str]] = {
            k: set() for k in ("contact", "account", "member", "email", "domain", "name")
        }
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
            todo = [v for v in values if (kind, v) not in self._queried]
            if todo:
                self._load(kind, todo)

    def _load(self, kind: str, values: Sequence[str]) -> None:
        s = self.session
        ws = self.workspace_id
        for chunk in _chunks(list(values)):
            self._queried.update((kind, v) for v in chunk)
            if kind in ("contact", "account"):
                ikind = IdentityKind.CONTACT if kind == "contact" else IdentityKind.ACCOUNT
                col = Identity.contact_id if kind == "contact" else Identity.account_id
                rows = s.execute(
                    select(Identity.external_id, col).where(
                        Identity.source_id == self.source_id,
                        Identity.kind == ikind,
                        Identity.external_id.in_(chunk),
                    )
                )
                for ext, target in rows:
                    if target is not None:
                        self._ident[(ikind, ext)] = target
                if kind == "contact":
                    self._load_contact_accounts(
                        [self._ident[(ikind, v)] for v in chunk if (ikind, v) in self._ident]
                    )
            elif kind in ("member", "email"):
                ccol = Contact.member_id if kind == "member" else Contact.email
                cache = self._member if kind == "member" else self._email
                for key, cid, aid in s.execute(
                    select(ccol, Contact.id, Contact.account_id).where(
                        Contact.workspace_id == ws, ccol.in_(chunk)
                    )
                ):
                    if key is not None:
                        cache[key] = cid
                    self._contact_account[cid] = aid
            elif kind == "domain":
                for dom, aid in s.execute(
                    select(AccountDomain.domain, AccountDomain.account_id).where(
                        AccountDomain.workspace_id == ws, AccountDomain.domain.in_(chunk)
                    )
                ):
                    self._domain[dom] = aid
            elif kind == "name":
                for name, aid in s.execute(
                    select(Account.name, Account.id)
                    .where(Account.workspace_id == ws, Account.name.in_(chunk))
                    .order_by(Account.id.desc())
                ):
                    # Descending ids: the oldest account of a name wins.
                    self._name[name] = aid

    def _load_contact_accounts(self, contact_ids: list[int]) -> None:
        todo = [c for c in contact_ids if c not in self._contact_account]
        if todo:
            for cid, aid in self.session.execute(
                select(Contact.id, Contact.account_id).where(Contact.id.in_(todo))
            ):
                self._contact_account[cid] = aid

    def _lookup(self, kind: str, value: str) -> int | None:
        if (kind, value) not in self._queried:
            self._load(kind, [value])
        if kind == "contact":
            return self._ident.get((IdentityKind.CONTACT, value))
        if kind == "account":
            return self._ident.get((IdentityKind.ACCOUNT, value))
        cache = {"member": self._member, "email": self._email, "domain": self._domain, "name": self._name}[
            kind
        ]
        return cache.get(value)

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
        account = account or (contact.account if contact else None)
        account_id = self._find_account(account) if account else None
        contact_id: int | None = None
        email = normalize_email(contact.email) if contact else None
        if contact is not None:
            contact_id = self._find_contact(contact, email)
            if account_id is None and contact_id is not None:
                account_id = self._contact_account.get(contact_id)
        corp_domain = None
        if email:
            dom = email_domain(email)
            if dom and not is_free_mail(dom):
                corp_domain = dom
        if account_id is None and corp_domain:
            account_id = self._lookup("domain", corp_domain)
        if account_id is None:
            if account is not None and (
                account.external_id or account.name or normalize_domain(account.domain)
            ):
                account_id = self._create_account(account, fallback_domain=corp_domain)
            elif corp_domain:
                account_id = self._create_account(AccountRef(domain=corp_domain), fallback_domain=None)
        if contact is not None:
            if contact_id is None:
                contact_id = self._create_contact(contact, email, account_id)
            elif account_id is not None and self._contact_account.get(contact_id) is None:
                # A contact first seen without a company gets one as soon as we know it.
                if self._defer:
                    self._pending_links.append({"_cid": contact_id, "_aid": account_id})
                else:
                    self.session.execute(
                        update(Contact).where(Contact.id == contact_id).values(account_id=account_id)
                    )
                self._contact_account[contact_id] = account_id
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
        self._create_missing_accounts(pairs)
        self._create_missing_contacts(pairs)
        self._defer = True
        try:
            results = [self.resolve(contact, account) for contact, account in pairs]
        finally:
            self._defer = False
            self._flush_pending()
        return results

    def _flush_pending(self) -> None:
        s = self.session
        if self._pending_ident:
            rows, self._pending_ident = self._pending_ident, []
            stmt = _statement(s.get_bind().dialect.name, _IDENTITY, None, True)
            s.execute(stmt, rows)
        if self._pending_links:
            links, self._pending_links = self._pending_links, []
            s.execute(
                update(_CONTACT)
                .where(_CONTACT.c.id == bindparam("_cid"))
                .values(account_id=bindparam("_aid")),
                links,
            )

    def _plan(self, contact: ContactRef | None, account: AccountRef | None) -> tuple[Any, ...]:
        """What resolve() finds from the caches: (account, account_id, contact_id, email, corp domain)."""
        account = account or (contact.account if contact else None)
        account_id = self._find_account(account) if account else None
        email = normalize_email(contact.email) if contact else None
        contact_id = self._find_contact(contact, email) if contact is not None else None
        if account_id is None and contact_id is not None:
            account_id = self._contact_account.get(contact_id)
        corp = None
        if email:
            dom = email_domain(email)
            if dom and not is_free_mail(dom):
                corp = dom
        if account_id is None and corp:
            account_id = self._lookup("domain", corp)
        return account, account_id, contact_id, email, corp

    def _create_missing_accounts(self, pairs: Sequence[tuple[ContactRef | None, AccountRef | None]]) -> None:
        wanted: list[dict[str, Any]] = []
        doms: set[str] = set()
        names: set[str] = set()
        for contact, account in pairs:
            account, account_id, _, _, corp = self._plan(contact, account)
            if account_id is not None:
                continue
            if account is not None and (
                account.external_id or account.name or normalize_domain(account.domain)
            ):
                values = self._account_values(account, fallback_domain=corp)
            elif corp:
                values = self._account_values(AccountRef(domain=corp), fallback_domain=None)
            else:
                continue
            if values is None:
                continue
            dom = values["_domain"]
            # Mirror resolve() in order: a later record finds an earlier one by domain or name.
            if (dom and dom in doms) or values["name"] in names:
                continue
            if dom:
                doms.add(dom)
            names.add(values["name"])
            wanted.append(values)
        if not wanted:
            return
        s = self.session
        # Accounts known only by name have no unique key to conflict on: look again right
        # before creating, so a company another import just created is adopted.
        by_name = [w["name"] for w in wanted if not w["_domain"]]
        if by_name:
            for name in by_name:
                self._queried.discard(("name", name))
            self._load("name", by_name)
            wanted = [w for w in wanted if w["_domain"] or w["name"] not in self._name]
            if not wanted:
                return
        rows = wanted
        domains = [r.pop("_domain") for r in rows]
        ids = [
            row[0]
            for row in s.execute(
                _ACCOUNT.insert().returning(_ACCOUNT.c.id, sort_by_parameter_order=True), rows
            )
        ]
        claimed = [
            {"workspace_id": self.workspace_id, "account_id": aid, "domain": dom}
            for aid, dom in zip(ids, domains, strict=True)
            if dom
        ]
        losers: list[int] = []
        if claimed:
            s.execute(_statement(s.get_bind().dialect.name, _DOMAIN, None, True), claimed)
            owners: dict[str, int] = {}
            for chunk in _chunks([c["domain"] for c in claimed]):
                for dom, aid in s.execute(
                    select(_DOMAIN.c.domain, _DOMAIN.c.account_id).where(
                        _DOMAIN.c.workspace_id == self.workspace_id, _DOMAIN.c.domain.in_(chunk)
                    )
                ):
                    owners[dom] = aid
            for c in claimed:
                owner = owners.get(c["domain"])
                if owner is not None and owner != c["account_id"]:
                    # Another session registered this domain first: its account wins.
                    losers.append(c["account_id"])
                if owner is not None:
                    self._domain[c["domain"]] = owner
                self._queried.add(("domain", c["domain"]))
        if losers:
            for chunk in _chunks(losers):
                s.execute(delete(_ACCOUNT).where(_ACCOUNT.c.id.in_(chunk)))
        lost = set(losers)
        for aid, row in zip(ids, rows, strict=True):
            if aid in lost:
                continue
            self.accounts_created += 1
            self._name.setdefault(row["name"], aid)
            self._queried.add(("name", row["name"]))

    def _create_missing_contacts(self, pairs: Sequence[tuple[ContactRef | None, AccountRef | None]]) -> None:
        keyed: list[dict[str, Any]] = []
        bare: list[tuple[str, dict[str, Any]]] = []
        taken: set[tuple[str, str]] = set()
        for contact, account in pairs:
            if contact is None:
                continue
            _, account_id, contact_id, email, _ = self._plan(contact, account)
            if contact_id is not None:
                continue
            values = self._contact_values(contact, email, account_id)
            if values is None:
                continue
            keys = {
                ("m", values["member_id"]) if values["member_id"] else None,
                ("e", email) if email else None,
            }
            keys.discard(None)
            ext = str(contact.external_id)[:200] if contact.external_id else None
            if not keys:
                if ext and ("x", ext) not in taken:
                    taken.add(("x", ext))
                    bare.append((ext, values))
                continue
            if keys & taken:
                continue  # the same person earlier in this batch
            taken |= keys  # type: ignore[arg-type]
            keyed.append(values)
        s = self.session
        dialect = s.get_bind().dialect.name
        if keyed:
            stmt = _statement(dialect, _CONTACT, None, True).returning(
                _CONTACT.c.id, _CONTACT.c.member_id, _CONTACT.c.email, _CONTACT.c.account_id
            )
            made = s.execute(stmt, keyed).all()
            for cid, member, email, aid in made:
                self.contacts_created += 1
                self._contact_account[cid] = aid
                if member:
                    self._member[member] = cid
                    self._queried.add(("member", member))
                if email:
                    self._email[email] = cid
                    self._queried.add(("email", email))
            if len(made) < len(keyed):
                # Lost races (or a key already used by another contact): re-select.
                for v in keyed:
                    for kind, key in (("member", v["member_id"]), ("email", v["email"])):
                        if key and key not in (self._member if kind == "member" else self._email):
                            self._queried.discard((kind, key))
                self._load(
                    "member",
                    [
                        v["member_id"]
                        for v in keyed
                        if v["member_id"] and ("member", v["member_id"]) not in self._queried
                    ],
                )
                self._load(
                    "email",
                    [v["email"] for v in keyed if v["email"] and ("email", v["email"]) not in self._queried],
                )
        if bare:
            rows = [v for _, v in bare]
            ids = [
                r[0]
                for r in s.execute(
                    _CONTACT.insert().returning(_CONTACT.c.id, sort_by_parameter_order=True), rows
                )
            ]
            idents = [
                {
                    "workspace_id": self.workspace_id,
                    "source_id": self.source_id,
                    "kind": IdentityKind.CONTACT,
                    "external_id": ext,
                    "account_id": None,
                    "contact_id": cid,
                }
                for (ext, _), cid in zip(bare, ids, strict=True)
            ]
            s.execute(_statement(dialect, _IDENTITY, None, True), idents)
            exts = [ext for ext, _ in bare]
            for ext in exts:
                self._queried.discard(("contact", ext))
            self._load("contact", exts)
            losers = []
            for (ext, values), cid in zip(bare, ids, strict=True):
                if self._ident.get((IdentityKind.CONTACT, ext)) == cid:
                    self.contacts_created += 1
                    self._contact_account[cid] = values["account_id"]
                else:
                    losers.append(cid)
            for chunk in _chunks(losers):
                s.execute(delete(_CONTACT).where(_CONTACT.c.id.in_(chunk)))

    def _find_account(self, account: AccountRef) -> int | None:
        if account.external_id:
            found = self._lookup("account", str(account.external_id)[:200])
            if found is not None:
                return found
        dom = normalize_domain(account.domain)
        if dom and not is_free_mail(dom):
            found = self._lookup("domain", dom)
            if found is not None:
                return found
        if account.name and account.name.strip():
            return self._lookup("name", account.name.strip()[:300])
        return None

    def _find_contact(self, contact: ContactRef, email: str | None) -> int | None:
        if contact.external_id:
            found = self._lookup("contact", str(contact.external_id)[:200])
            if found is not None:
                return found
        if contact.member_id:
            found = self._lookup("member", str(contact.member_id).strip()[:200])
            if found is not None:
                return found
        if email:
            return self._lookup("email", email)
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
        if (kind, ext) in self._ident:
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
            insert_ignore(self.session, _IDENTITY, row)
        target = account_id if kind == IdentityKind.ACCOUNT else contact_id
        if target is not None:
            self._ident[(kind, ext)] = target

    def _account_values(self, account: AccountRef, *, fallback_domain: str | None) -> dict[str, Any] | None:
        dom = normalize_domain(account.domain)
        if dom and is_free_mail(dom):
            dom = None
        dom = dom or fallback_domain
        name = (account.name or "").strip()[:300] or dom or str(account.external_id or "")[:300]
        if not name:
            return None
        return {
            "workspace_id": self.workspace_id,
            "name": name,
            "plan": _bound(account.plan, 64),
            "segment": _bound(account.segment, 64),
            "arr": int(account.arr or 0),
            "currency": (account.currency or "KRW")[:3].upper(),
            "attributes": dict(account.attributes or {}),
            "_domain": dom,
        }

    def _create_account(self, account: AccountRef, *, fallback_domain: str | None) -> int | None:
        s = self.session
        values = self._account_values(account, fallback_domain=fallback_domain)
        if values is None:
            return None
        dom = values.pop("_domain")
        name = values["name"]
        account_id: int = _insert_returning(s, _ACCOUNT, values, _ACCOUNT.c.id)
        if dom:
            won = insert_ignore(
                s,
                _DOMAIN,
                {"workspace_id": self.workspace_id, "account_id": account_id, "domain": dom},
                returning=_DOMAIN.c.id,
            )
            if won is None:
                # Another session registered this domain first: use its account.
                s.execute(delete(Account).where(Account.id == account_id))
                self._queried.discard(("domain", dom))
                existing = self._lookup("domain", dom)
                if existing is not None:
                    return existing
                return None
            self._domain[dom] = account_id
            self._queried.add(("domain", dom))
        self.accounts_created += 1
        self._name.setdefault(name, account_id)
        self._queried.add(("name", name))
        return account_id

    def _contact_values(
        self, contact: ContactRef, email: str | None, account_id: int | None
    ) -> dict[str, Any] | None:
        member = _bound(str(contact.member_id), 200) if contact.member_id else None
        if not (contact.external_id or member or email):
            return None
        return {
            "workspace_id": self.workspace_id,
            "account_id": account_id,
            "name": (contact.name or "").strip()[:300],
            "email": email,
            "phone": _bound(contact.phone, 64),
            "title": _bound(contact.title, 200),
            "is_decision_maker": bool(contact.is_decision_maker),
            "member_id": member,
            "language": _bound(contact.language, 8),
            "attributes": dict(contact.attributes or {}),
        }

    def _create_contact(self, contact: ContactRef, email: str | None, account_id: int | None) -> int | None:
        values = self._contact_values(contact, email, account_id)
        if values is None:
            return None
        member = values["member_id"]
        s = self.session
        if member or email:
            cid = insert_ignore(
                s,
                _CONTACT,
                values,
                returning=_CONTACT.c.id,
            )
            if cid is None:
                # Lost a race (or the other unique key matched): re-select.
                if member:
                    self._queried.discard(("member", member))
                    cid = self._lookup("member", member)
                if cid is None and email:
                    self._queried.discard(("email", email))
                    cid = self._lookup("email", email)
                return cid
        else:
            cid = _insert_returning(s, _CONTACT, values, _CONTACT.c.id)
            ext = str(contact.external_id)[:200]
            won = insert_ignore(
                s,
                _IDENTITY,
                {
                    "workspace_id": self.workspace_id,
                    "source_id": self.source_id,
                    "kind": IdentityKind.CONTACT,
                    "external_id": ext,
                    "contact_id": cid,
                },
                returning=_IDENTITY.c.id,
            )
            if won is None:
                s.execute(delete(Contact).where(Contact.id == cid))
                self._queried.discard(("contact", ext))
                return self._lookup("contact", ext)
            self._ident[(IdentityKind.CONTACT, ext)] = cid
        self.contacts_created += 1
        self._contact_account[cid] = account_id
        if member:
            self._member[member] = cid
            self._queried.add(("member", member))
        if email:
            self._email[email] = cid
            self._queried.add(("email", email))
        return cid


def resolve_identity(
    session: Session,
    *,
    workspace_id: int,
    source_id: int,
    contact: ContactRef | None,
    account: AccountRef | None = None,
) -> Resolved:
    """Resolve one record's contact and account (see the module docstring for the order).

    For many records use one :class:`IdentityResolver` and its ``prefetch``.
    """
    resolver = IdentityResolver(session, workspace_id=workspace_id, source_id=source_id)
    return resolver.resolve(contact, account)
