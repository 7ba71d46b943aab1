"""Identity resolution: order of keys, free-mail domains, and unique-constraint races."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from frontdoor.core.store import Store
from frontdoor.ingest.identity import IdentityResolver, resolve_identity
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.integrations._fileutil import account_for
from frontdoor.integrations.base import AccountRef, ContactRef
from frontdoor.models import Account, AccountDomain, Contact, Identity, Workspace


def _src(store: Store, ws: Workspace, name: str = "crm") -> int:
    with store.session() as s:
        return get_or_create_source(s, workspace_id=ws.id, kind="api", name=name).id


def _resolve(
    store: Store, ws: Workspace, src: int, contact: ContactRef | None, account: AccountRef | None = None
):  # type: ignore[no-untyped-def]
    with store.session() as s:
        return resolve_identity(s, workspace_id=ws.id, source_id=src, contact=contact, account=account)


def test_resolution_order(store: Store, workspace: Workspace) -> None:
    src = _src(store, workspace)
    a = _resolve(store, workspace, src, ContactRef(external_id="u-1", email="a@acme.co.kr"))
    b = _resolve(store, workspace, src, ContactRef(member_id="m-2", email="b@acme.co.kr"))
    c = _resolve(store, workspace, src, ContactRef(email="c@acme.co.kr"))
    assert len({a.contact_id, b.contact_id, c.contact_id}) == 3
    # Source id beats member id and email.
    r = _resolve(store, workspace, src, ContactRef(external_id="u-1", member_id="m-2", email="c@acme.co.kr"))
    assert r.contact_id == a.contact_id
    # Member id beats email.
    r = _resolve(store, workspace, src, ContactRef(member_id="m-2", email="c@acme.co.kr"))
    assert r.contact_id == b.contact_id
    # Email, compared case-insensitively.
    r = _resolve(store, workspace, src, ContactRef(email="C@ACME.co.kr"))
    assert r.contact_id == c.contact_id
    # Every contact got the account of its company domain.
    assert a.account_id == b.account_id == c.account_id is not None
    # A new person of the same domain joins that account.
    d = _resolve(store, workspace, src, ContactRef(email="d@acme.co.kr"))
    assert d.account_id == a.account_id and d.contact_id not in {a.contact_id, b.contact_id, c.contact_id}
    # The source id seen once now resolves at step 1, also from another record shape.
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Identity)) == 1
        assert s.scalar(select(func.count()).select_from(Account)) == 1


def test_source_ids_are_per_source(store: Store, workspace: Workspace) -> None:
    one, two = _src(store, workspace, "one"), _src(store, workspace, "two")
    a = _resolve(store, workspace, one, ContactRef(external_id="u-1"))
    b = _resolve(store, workspace, two, ContactRef(external_id="u-1"))
    assert a.contact_id != b.contact_id


def test_free_mail_is_not_a_company(store: Store, workspace: Workspace) -> None:
    src = _src(store, workspace)
    x = _resolve(store, workspace, src, ContactRef(email="x@gmail.com"))
    y = _resolve(store, workspace, src, ContactRef(email="y@gmail.com"))
    n = _resolve(
        store, workspace, src, ContactRef(email="z@naver.com", account=AccountRef(domain="naver.com"))
    )
    assert x.account_id is None and y.account_id is None and n.account_id is None
    assert x.contact_id != y.contact_id
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AccountDomain)) == 0


def test_free_mail_is_the_same_list_for_adapters_and_identity(store: Store, workspace: Workspace) -> None:
    """mac.com was a company to identity and free mail to the file adapters; now free mail to both."""
    src = _src(store, workspace)
    assert account_for("kim@mac.com") is None
    r = _resolve(store, workspace, src, ContactRef(email="kim@mac.com", account=AccountRef(domain="mac.com")))
    assert r.contact_id is not None and r.account_id is None
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 0


def test_account_by_source_id_then_domain_then_name(store: Store, workspace: Workspace) -> None:
    src = _src(store, workspace)
    first = _resolve(
        store,
        workspace,
        src,
        None,
        AccountRef(external_id="org-9", name="주식회사 예시", domain="example.kr"),
    )
    by_id = _resolve(store, workspace, src, None, AccountRef(external_id="org-9", name="다른 이름"))
    by_domain = _resolve(store, workspace, src, None, AccountRef(domain="https://www.example.kr/about"))
    by_name = _resolve(store, workspace, src, None, AccountRef(name="주식회사 예시"))
    by_email = _resolve(store, workspace, src, ContactRef(email="ceo@example.kr"))
    ids = {first.account_id, by_id.account_id, by_domain.account_id, by_name.account_id, by_email.account_id}
    assert len(ids) == 1 and None not in ids


def test_bare_name_creates_no_contact(store: Store, workspace: Workspace) -> None:
    src = _src(store, workspace)
    r = _resolve(store, workspace, src, ContactRef(name="익명 고객"))
    assert r.contact_id is None


def test_lost_race_reselects(store: Store, workspace: Workspace) -> None:
    """Two resolvers both saw 'no such contact'; the second create conflicts and re-selects."""
    src = _src(store, workspace)
    ref = ContactRef(email="race@acme.co.kr", member_id="m-race")
    s1, s2 = store.sessions(), store.sessions()
    try:
        r1 = IdentityResolver(s1, workspace_id=workspace.id, source_id=src)
        r2 = IdentityResolver(s2, workspace_id=workspace.id, source_id=src)
        r1.prefetch([(ref, None)])
        r2.prefetch([(ref, None)])
        s2.commit()  # end s2's read so its next statement sees committed rows
        first = r1.resolve(ref)
        s1.commit()
        second = r2.resolve(ref)
        s2.commit()
    finally:
        s1.close()
        s2.close()
    assert first.contact_id == second.contact_id is not None
    assert first.account_id == second.account_id is not None
    assert (r1.contacts_created, r2.contacts_created) == (1, 0)
    assert (r1.accounts_created, r2.accounts_created) == (1, 0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
        assert s.scalar(select(func.count()).select_from(Account)) == 1


def test_concurrent_threads_create_one_contact(store: Store, workspace: Workspace) -> None:
    src = _src(store, workspace)
    barrier = threading.Barrier(4)
    results: list[int | None] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            with store.session() as s:
                r = resolve_identity(
                    s,
                    workspace_id=workspace.id,
                    source_id=src,
                    contact=ContactRef(external_id="u-9", email="t@x.kr"),
                )
            results.append(r.contact_id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1 and results[0] is not None
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 1
        assert s.scalar(select(func.count()).select_from(Identity)) == 1


def test_bulk_lost_race_reselects(store: Store, workspace: Workspace) -> None:
    """resolve_many: rows another session created meanwhile are adopted, not duplicated."""
    src = _src(store, workspace)
    refs: list[tuple[ContactRef | None, AccountRef | None]] = [
        (ContactRef(email="a@race.kr", member_id="m-a"), None),
        (ContactRef(external_id="u-b"), AccountRef(name="레이스 주식회사", domain="race.kr")),
        (ContactRef(email="a@race.kr"), None),  # the same person again in the batch
        (ContactRef(email="c@gmail.com"), AccountRef(name="개인 고객")),
    ]
    s1, s2 = store.sessions(), store.sessions()
    try:
        r1 = IdentityResolver(s1, workspace_id=workspace.id, source_id=src)
        r2 = IdentityResolver(s2, workspace_id=workspace.id, source_id=src)
        r1.prefetch(refs)
        r2.prefetch(refs)
        s2.commit()
        first = r1.resolve_many(refs)
        s1.commit()
        second = r2.resolve_many(refs)
        s2.commit()
    finally:
        s1.close()
        s2.close()
    assert first == second
    assert first[0].contact_id == first[2].contact_id
    assert first[0].account_id == first[1].account_id  # race.kr: one company
    assert (r1.contacts_created, r1.accounts_created) == (3, 2)
    assert (r2.contacts_created, r2.accounts_created) == (0, 0)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 3
        assert s.scalar(select(func.count()).select_from(Account)) == 2
        assert s.scalar(select(func.count()).select_from(AccountDomain)) == 1
