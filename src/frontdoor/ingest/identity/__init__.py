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

The package's parts: :mod:`.keys` (the per-import caches and bulk key loading),
:mod:`.resolver` (one record at a time), :mod:`.bulk` (creating a whole batch's missing
accounts and contacts at once) and :mod:`.sql` (the insert statements).
"""

from frontdoor.ingest.identity.resolver import IdentityResolver, resolve_identity
from frontdoor.ingest.identity.values import Resolved

__all__ = ["IdentityResolver", "Resolved", "resolve_identity"]
