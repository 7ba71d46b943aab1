"""Creating a whole batch's missing accounts and contacts with a few bulk statements.

:meth:`IdentityResolver.resolve_many <frontdoor.ingest.identity.resolver.IdentityResolver.resolve_many>`
runs these before resolving record by record, so that loop finds every key in the caches.
They create what :meth:`~frontdoor.ingest.identity.resolver.IdentityResolver.resolve` would,
in the same order (a later record finds an earlier one's account by domain or name, its
contact by member id or email), and stay race-safe: rows that lost a unique key to another
session are deleted again and the winner's ids cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from frontdoor.ingest.identity.keys import CHUNK
from frontdoor.ingest.identity.sql import ACCOUNT, CONTACT, DOMAIN, IDENTITY, statement
from frontdoor.ingest.identity.values import account_values, contact_values, names_company
from frontdoor.ingest.rows import chunks
from frontdoor.integrations.base import AccountRef, ContactRef
from frontdoor.models import IdentityKind

if TYPE_CHECKING:
    from frontdoor.ingest.identity.resolver import IdentityResolver

__all__ = ["create_missing_accounts", "create_missing_contacts"]

Pairs = Sequence[tuple[ContactRef | None, AccountRef | None]]


# -- accounts ---------------------------------------------------------------------------


def create_missing_accounts(resolver: IdentityResolver, pairs: Pairs) -> None:
    """Create, in one insert, every account the records name that the keys do not find."""
    wanted = _wanted_accounts(resolver, pairs)
    if not wanted:
        return
    keys = resolver.keys
    # Accounts known only by name have no unique key to conflict on: look again right
    # before creating, so a company another import just created is adopted.
    by_name = [w["name"] for w in wanted if not w["_domain"]]
    if by_name:
        for name in by_name:
            keys.queried.discard(("name", name))
        keys.load("name", by_name)
        wanted = [w for w in wanted if w["_domain"] or w["name"] not in keys.name]
        if not wanted:
            return
    s = resolver.session
    domains = [w.pop("_domain") for w in wanted]
    ids = [
        row[0]
        for row in s.execute(ACCOUNT.insert().returning(ACCOUNT.c.id, sort_by_parameter_order=True), wanted)
    ]
    losers = _claim_domains(resolver, ids, domains)
    for chunk in chunks(losers, CHUNK):
        s.execute(delete(ACCOUNT).where(ACCOUNT.c.id.in_(chunk)))
    lost = set(losers)
    for aid, row in zip(ids, wanted, strict=True):
        if aid in lost:
            continue
        resolver.accounts_created += 1
        keys.name.setdefault(row["name"], aid)
        keys.queried.add(("name", row["name"]))


def _wanted_accounts(resolver: IdentityResolver, pairs: Pairs) -> list[dict[str, Any]]:
    """The values of the accounts to create, once per domain and name."""
    wanted: list[dict[str, Any]] = []
    doms: set[str] = set()
    names: set[str] = set()
    for contact, account in pairs:
        account, account_id, _, _, corp = resolver.plan(contact, account)
        if account_id is not None:
            continue
        if names_company(account):
            values = account_values(resolver.workspace_id, account, fallback_domain=corp)
        elif corp:
            values = account_values(resolver.workspace_id, AccountRef(domain=corp), fallback_domain=None)
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
    return wanted


def _claim_domains(resolver: IdentityResolver, ids: list[int], domains: list[str | None]) -> list[int]:
    """Register the new accounts' domains; return the accounts whose domain another session owns."""
    claimed: list[dict[str, Any]] = [
        {"workspace_id": resolver.workspace_id, "account_id": aid, "domain": dom}
        for aid, dom in zip(ids, domains, strict=True)
        if dom
    ]
    if not claimed:
        return []
    s = resolver.session
    s.execute(statement(s.get_bind().dialect.name, DOMAIN, None, True), claimed)
    owners: dict[str, int] = {}
    for chunk in chunks([c["domain"] for c in claimed], CHUNK):
        for dom, aid in s.execute(
            select(DOMAIN.c.domain, DOMAIN.c.account_id).where(
                DOMAIN.c.workspace_id == resolver.workspace_id, DOMAIN.c.domain.in_(chunk)
            )
        ):
            owners[dom] = aid
    losers: list[int] = []
    keys = resolver.keys
    for c in claimed:
        owner = owners.get(c["domain"])
        if owner is not None and owner != c["account_id"]:
            # Another session registered this domain first: its account wins.
            losers.append(c["account_id"])
        if owner is not None:
            keys.domain[c["domain"]] = owner
        keys.queried.add(("domain", c["domain"]))
    return losers


# -- contacts ---------------------------------------------------------------------------


def create_missing_contacts(resolver: IdentityResolver, pairs: Pairs) -> None:
    """Create every contact the records name that the keys do not find (accounts exist by now)."""
    keyed, bare = _wanted_contacts(resolver, pairs)
    if keyed:
        _create_keyed(resolver, keyed)
    if bare:
        _create_bare(resolver, bare)


def _wanted_contacts(
    resolver: IdentityResolver, pairs: Pairs
) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    """New contacts with a member id or email, and those known only by the source's id."""
    keyed: list[dict[str, Any]] = []
    bare: list[tuple[str, dict[str, Any]]] = []
    taken: set[tuple[str, str]] = set()
    for contact, account in pairs:
        if contact is None:
            continue
        _, account_id, contact_id, email, _ = resolver.plan(contact, account)
        if contact_id is not None:
            continue
        values = contact_values(resolver.workspace_id, contact, email, account_id)
        if values is None:
            continue
        keys: set[tuple[str, str]] = set()
        if values["member_id"]:
            keys.add(("m", values["member_id"]))
        if email:
            keys.add(("e", email))
        if not keys:
            ext = str(contact.external_id)[:200] if contact.external_id else None
            if ext and ("x", ext) not in taken:
                taken.add(("x", ext))
                bare.append((ext, values))
            continue
        if keys & taken:
            continue  # the same person earlier in this batch
        taken |= keys
        keyed.append(values)
    return keyed, bare


def _create_keyed(resolver: IdentityResolver, keyed: list[dict[str, Any]]) -> None:
    """Insert contacts with a unique key (member id, email), ignoring conflicts; re-select losers."""
    s = resolver.session
    keys = resolver.keys
    c = CONTACT.c
    stmt = statement(s.get_bind().dialect.name, CONTACT, None, True).returning(
        c.id, c.member_id, c.email, c.account_id
    )
    made = s.execute(stmt, keyed).all()
    for cid, member, email, aid in made:
        resolver.contacts_created += 1
        keys.contact_account[cid] = aid
        if member:
            keys.remember("member", member, cid)
        if email:
            keys.remember("email", email, cid)
    if len(made) == len(keyed):
        return
    # Lost races (or a key already used by another contact): re-select.
    for v in keyed:
        for kind, key in (("member", v["member_id"]), ("email", v["email"])):
            if key and key not in (keys.member if kind == "member" else keys.email):
                keys.queried.discard((kind, key))
    keys.load(
        "member",
        [v["member_id"] for v in keyed if v["member_id"] and ("member", v["member_id"]) not in keys.queried],
    )
    keys.load(
        "email", [v["email"] for v in keyed if v["email"] and ("email", v["email"]) not in keys.queried]
    )


def _create_bare(resolver: IdentityResolver, bare: list[tuple[str, dict[str, Any]]]) -> None:
    """Insert contacts known only by the source's id; the Identity row decides who won."""
    s = resolver.session
    keys = resolver.keys
    rows = [v for _, v in bare]
    ids = [
        r[0] for r in s.execute(CONTACT.insert().returning(CONTACT.c.id, sort_by_parameter_order=True), rows)
    ]
    idents = [
        {
            "workspace_id": resolver.workspace_id,
            "source_id": resolver.source_id,
            "kind": IdentityKind.CONTACT,
            "external_id": ext,
            "account_id": None,
            "contact_id": cid,
        }
        for (ext, _), cid in zip(bare, ids, strict=True)
    ]
    s.execute(statement(s.get_bind().dialect.name, IDENTITY, None, True), idents)
    exts = [ext for ext, _ in bare]
    for ext in exts:
        keys.queried.discard(("contact", ext))
    keys.load("contact", exts)
    losers = []
    for (ext, values), cid in zip(bare, ids, strict=True):
        if keys.ident.get((IdentityKind.CONTACT, ext)) == cid:
            resolver.contacts_created += 1
            keys.contact_account[cid] = values["account_id"]
        else:
            losers.append(cid)
    for chunk in chunks(losers, CHUNK):
        s.execute(delete(CONTACT).where(CONTACT.c.id.in_(chunk)))
