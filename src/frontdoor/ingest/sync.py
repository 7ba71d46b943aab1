"""Pulling a source's API into the store, resuming where the last sync stopped (Channel Talk).

Credentials live on the :class:`~frontdoor.models.Source` (``settings.access_key`` /
``settings.access_secret``, optionally ``base_url`` and ``company_key``). Opened and
snoozed chats (the live set) are read whole each time so their changes arrive; closed
chats resume from the cursor stored on ``Source.cursor``, which is saved only after the
pipeline committed everything the sync read.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdoor.core.errors import ConfigError
from frontdoor.core.store import Store
from frontdoor.db.base import utcnow
from frontdoor.ingest.pipeline import ingest_records
from frontdoor.ingest.sources import get_or_create_source
from frontdoor.ingest.summary import ImportSummary
from frontdoor.integrations.channeltalk.api import API_BASE, ChannelTalkClient
from frontdoor.models import Source
from frontdoor.workspace.workspaces import default_workspace

__all__ = ["SyncResult", "sync_channeltalk"]


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: where, what changed, and how many API requests it took."""

    workspace: str
    source: str
    summary: ImportSummary
    requests: int


def sync_channeltalk(
    store: Store,
    *,
    workspace: str | None = None,
    source_name: str | None = None,
    since: str | None = None,
    full: bool = False,
    state: str | None = None,
    credentials: dict[str, str] | None = None,
) -> SyncResult:
    """Import Channel Talk chats and messages through the Open API v5.

    Parameters
    ----------
    store : Store
        The store.
    workspace : str, optional
        Workspace slug (default: the only one).
    source_name : str, optional
        Source name (default: ``channeltalk``; created when missing).
    since : str, optional
        Cursor to resume closed chats from instead of the stored one.
    full : bool
        Ignore any cursor and read every chat again.
    state : str, optional
        Only chats in this state (opened, closed, snoozed).
    credentials : dict, optional
        ``access_key``, ``access_secret`` and/or ``base_url`` to store on the source first
        (empty values are ignored).

    Returns
    -------
    SyncResult

    Raises
    ------
    ConfigError
        When the source has no access key and secret.
    """
    with store.session() as session:
        ws = default_workspace(session, slug=workspace)
        source = get_or_create_source(session, workspace_id=ws.id, kind="channeltalk", name=source_name)
        changes = {k: v for k, v in (credentials or {}).items() if v}
        if changes:
            source.settings = {**(source.settings or {}), **changes}
        config = dict(source.settings or {})
        stored_cursor = source.cursor
        ws_id, ws_slug, source_id, name = ws.id, ws.slug, source.id, source.name
    key, secret = config.get("access_key"), config.get("access_secret")
    if not key or not secret:
        raise ConfigError(
            f"source {name!r} has no Channel Talk credentials; run "
            "`frontdoor sync channeltalk --access-key KEY` once (the secret is prompted for)"
        )
    start = None if full else (since or stored_cursor)
    resume: list[str | None] = [start]
    with ChannelTalkClient(
        access_key=str(key), access_secret=str(secret), base_url=str(config.get("base_url") or API_BASE)
    ) as client:
        summary = ingest_records(
            store,
            workspace_id=ws_id,
            source_id=source_id,
            records=client.records(
                since=start,
                state=state,
                company_key=str(config.get("company_key") or "company"),
                on_page=resume.append,
            ),
            file="channeltalk api",
        )
        requests = client.requests
    # Stored only after the pipeline committed everything it was given.
    with store.session() as session:
        row = session.get(Source, source_id)
        if row is not None:
            row.cursor = resume[-1]
            row.last_synced_at = utcnow()
    return SyncResult(workspace=ws_slug, source=name, summary=summary, requests=requests)
