"""Product usage figures per account, imported from a CSV (a health signal)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor.core.errors import ValidationError
from frontdoor.models import Account, AccountDomain

USAGE_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class UsageImport:
    """What an import of usage figures did."""

    updated: int
    unchanged: int
    unknown: list[str]


def _find_account(session: Session, workspace_id: int, key: str, by_crm: dict[str, int]) -> int | None:
    if key.isdigit():
        account = session.get(Account, int(key))
        if account is not None and account.workspace_id == workspace_id:
            return account.id
    if key in by_crm:
        return by_crm[key]
    domain = session.scalar(
        select(AccountDomain.account_id).where(
            AccountDomain.workspace_id == workspace_id, AccountDomain.domain == key.lower()
        )
    )
    if domain is not None:
        return int(domain)
    ids = list(
        session.scalars(select(Account.id).where(Account.workspace_id == workspace_id, Account.name == key))
    )
    return ids[0] if len(ids) == 1 else None


def import_usage(session: Session, *, workspace_id: int, path: Path) -> UsageImport:
    """Read a CSV of product usage into ``Account.attributes["usage"]``.

    Columns: ``account`` (id, CRM id, domain or exact name), ``active_users`` (whole number),
    optional ``seats`` (overrides the account's seats) and ``as_of`` (YYYY-MM-DD). The whole
    file is checked before anything is written; importing the same file twice changes nothing.

    Raises
    ------
    ValidationError
        A missing column or a bad value, naming the line.
    """
    if path.stat().st_size > USAGE_MAX_BYTES:
        raise ValidationError(f"{path.name}: larger than {USAGE_MAX_BYTES // (1024 * 1024)} MiB")
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip() for f in reader.fieldnames or []}
    missing = {"account", "active_users"} - fields
    if missing:
        raise ValidationError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
    by_crm = {
        str(attrs.get("crm_id")): aid
        for aid, attrs in session.execute(
            select(Account.id, Account.attributes).where(Account.workspace_id == workspace_id)
        )
        if isinstance(attrs, dict) and attrs.get("crm_id")
    }
    parsed: list[tuple[int, dict[str, Any]]] = []
    unknown: list[str] = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        key = row.get("account", "")[:300]
        try:
            active = int(row.get("active_users", ""))
            seats = int(row["seats"]) if row.get("seats") else None
            as_of = dt.date.fromisoformat(row["as_of"]).isoformat() if row.get("as_of") else None
        except ValueError as exc:
            raise ValidationError(f"{path.name} line {line}: {exc}") from None
        if active < 0 or (seats is not None and seats <= 0):
            raise ValidationError(f"{path.name} line {line}: active_users >= 0 and seats > 0")
        account_id = _find_account(session, workspace_id, key, by_crm) if key else None
        if account_id is None:
            unknown.append(key)
            continue
        usage: dict[str, Any] = {"active_users": active}
        if seats is not None:
            usage["seats"] = seats
        if as_of is not None:
            usage["as_of"] = as_of
        parsed.append((account_id, usage))
    updated = unchanged = 0
    for account_id, usage in parsed:
        account = session.get(Account, account_id)
        assert account is not None
        attrs = dict(account.attributes or {})
        if attrs.get("usage") == usage:
            unchanged += 1
            continue
        attrs["usage"] = usage
        account.attributes = attrs  # a new dict so the JSON column is marked changed
        updated += 1
    session.flush()
    return UsageImport(updated=updated, unchanged=unchanged, unknown=unknown)
