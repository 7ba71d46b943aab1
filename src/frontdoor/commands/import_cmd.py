"""``frontdoor import KIND PATH...`` and ``frontdoor quarantine list|retry|resolve``.

``import`` is a group whose subcommands are built lazily from the adapter registry, so
``frontdoor import --help`` lists every registered kind with its one-line summary and
``frontdoor import KIND --help`` shows that adapter's own help. Adapter modules are
imported only when their command is shown or run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from frontdoor.commands._common import store_from, workspace_option


def _parse_pairs(values: tuple[str, ...], what: str, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint=what)
        out[prefix + key.strip()] = value.strip()
    return out


class _ByteProgress:
    """A one-line stderr bar keyed on how far the adapter has read ``path``.

    The adapter owns the file handle, so the position is read from the process's open
    file table (``/proc/self/fdinfo``); elsewhere the bar shows the record count only.
    """

    def __init__(self, path: Path) -> None:
        self.path = str(path.resolve())
        self.size = max(1, path.stat().st_size) if path.is_file() else 1
        self.records = 0
        self.fd: str | None = None

    def _position(self) -> int | None:
        base = "/proc/self/fd"
        try:
            fds = [self.fd] if self.fd else os.listdir(base)
            for fd in fds:
                if fd and os.readlink(f"{base}/{fd}") == self.path:
                    self.fd = fd
                    with open(f"/proc/self/fdinfo/{fd}") as info:
                        for line in info:
                            if line.startswith("pos:"):
                                return int(line.split()[1])
            self.fd = None
        except OSError:
            self.fd = None
        return None

    def __call__(self, n: int) -> None:
        self.records += n
        pos = self._position()
        if pos is None:
            line = f"\r{self.records:,} records"
        else:
            frac = min(1.0, pos / self.size)
            filled = int(frac * 30)
            line = f"\r[{'#' * filled}{'.' * (30 - filled)}] {frac:4.0%} {self.records:,} records"
        click.echo(line, err=True, nl=False)

    def done(self) -> None:
        click.echo("\r" + " " * 60 + "\r", err=True, nl=False)


def _print_summary(summary: Any, *, workspace: str, source: str) -> None:
    click.echo(f"workspace {workspace}, source {source!r}: {summary.records:,} records")
    for name in ("conversations", "messages", "surveys"):
        c = getattr(summary, name)
        if name == "surveys" and not c.total:
            continue
        click.echo(f"  {name}: {c.new:,} new, {c.updated:,} updated, {c.unchanged:,} unchanged")
    click.echo(
        f"  accounts created: {summary.accounts_created:,}, contacts created: {summary.contacts_created:,}"
    )
    line = f"  quarantined: {summary.quarantined:,}"
    if summary.quarantined:
        line += " (see `frontdoor quarantine list`)"
    click.echo(line)


def _run_import(
    ctx: click.Context,
    kind: str,
    paths: tuple[Path, ...],
    workspace: str | None,
    source_name: str | None,
    options: tuple[str, ...],
    maps: tuple[str, ...],
    as_json: bool,
) -> None:
    from frontdoor.ingest.pipeline import ingest_records
    from frontdoor.ingest.sources import get_or_create_source
    from frontdoor.ingest.summary import ImportSummary
    from frontdoor.integrations.registry import get_adapter
    from frontdoor.workspace.workspaces import default_workspace

    opts = {**_parse_pairs(options, "--option"), **_parse_pairs(maps, "--map", prefix="map.")}
    adapter = get_adapter(kind)
    store = store_from(ctx)
    with store.session() as s:
        ws = default_workspace(s, slug=workspace)
        source = get_or_create_source(s, workspace_id=ws.id, kind=kind, name=source_name)
        if opts:
            # Remembered so `frontdoor quarantine retry` re-parses with the same options.
            source.settings = {**(source.settings or {}), "options": opts}
        ws_id, ws_slug, src_id, src_name = ws.id, ws.slug, source.id, source.name
    total = ImportSummary()
    show_bar = not as_json and sys.stderr.isatty()
    for path in paths:
        bar = _ByteProgress(path) if show_bar else None
        try:
            summary = ingest_records(
                store,
                workspace_id=ws_id,
                source_id=src_id,
                records=adapter.read(path, options=opts),
                file=str(path),
                progress=bar,
            )
        finally:
            if bar is not None:
                bar.done()
        total.merge(summary)
    if as_json:
        click.echo(json.dumps({"workspace": ws_slug, "source": src_name, "kind": kind, **total.to_dict()}))
    else:
        _print_summary(total, workspace=ws_slug, source=src_name)
    ctx.exit(total.exit_code)


def _adapter_command(kind: str) -> click.Command:
    from frontdoor.integrations.registry import get_adapter

    try:
        cls = type(get_adapter(kind))
        summary, help_text = cls.summary, f"{cls.summary}\n\n{cls.help}"
    except (ImportError, AttributeError) as exc:
        summary = help_text = f"(unavailable: {exc})"

    @click.command(kind, help=help_text, short_help=summary)
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
    @workspace_option
    @click.option("--source", "source_name", default=None, help=f"Source name (default: {kind}).")
    @click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="Adapter option.")
    @click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from COLUMN.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
    @click.pass_context
    def command(
        ctx: click.Context,
        paths: tuple[Path, ...],
        workspace: str | None,
        source_name: str | None,
        options: tuple[str, ...],
        maps: tuple[str, ...],
        as_json: bool,
    ) -> None:
        _run_import(ctx, kind, paths, workspace, source_name, options, maps, as_json)

    return command


class ImportGroup(click.Group):
    """Subcommands built from the adapter registry on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from frontdoor.integrations.registry import kinds

        return kinds()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from frontdoor.integrations.registry import ADAPTERS

        if cmd_name not in ADAPTERS:
            return None
        return _adapter_command(cmd_name)


@click.group("import", cls=ImportGroup)
def import_command() -> None:
    """Import conversations from a file: frontdoor import KIND PATH...

    Exits 1 when any record was quarantined (see `frontdoor quarantine list`).
    """


@click.group("quarantine")
def quarantine_group() -> None:
    """Records that could not be imported: list, retry, resolve."""


@quarantine_group.command("list")
@workspace_option
@click.option("--all", "show_all", is_flag=True, help="Include resolved records.")
@click.option("--limit", default=100, show_default=True, help="Most records to show.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def quarantine_list(
    ctx: click.Context, workspace: str | None, show_all: bool, limit: int, as_json: bool
) -> None:
    """List quarantined records with their position and reason."""
    from frontdoor.ingest.quarantine import count_quarantined, list_quarantined
    from frontdoor.models import QuarantineStatus
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    status = None if show_all else QuarantineStatus.OPEN
    with store.session() as s:
        ws = default_workspace(s, slug=workspace)
        rows = list_quarantined(s, workspace_id=ws.id, status=status, limit=limit)
        total = count_quarantined(s, workspace_id=ws.id, status=status)
        items: list[dict[str, Any]] = [
            {
                "id": r.id,
                "source_id": r.source_id,
                "kind": r.kind,
                "file": r.file,
                "position": r.position,
                "reason": r.reason,
                "status": r.status.value,
                "created_at": r.created_at.isoformat(),
                "raw": r.raw[:2000],
            }
            for r in rows
        ]
    if as_json:
        click.echo(json.dumps({"total": total, "records": items}, ensure_ascii=False))
        return
    if not items:
        click.echo("no quarantined records")
        return
    for it in items:
        where = f"{it['file']} {it['position']}".strip()
        click.echo(f"#{it['id']} [{it['kind']}] {where}: {it['reason']}")
        click.echo(f"    {str(it['raw'])[:100]!r}")
    if total > len(items):
        click.echo(f"... {total - len(items)} more (--limit)")


@quarantine_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@workspace_option
@click.option("--all", "retry_all", is_flag=True, help="Retry every open record.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="Adapter options.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Read FIELD from COLUMN.")
@click.option(
    "--raw-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A corrected payload for the one record given.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def quarantine_retry(
    ctx: click.Context,
    ids: tuple[int, ...],
    workspace: str | None,
    retry_all: bool,
    options: tuple[str, ...],
    maps: tuple[str, ...],
    raw_file: Path | None,
    as_json: bool,
) -> None:
    """Parse quarantined records again (IDs, or --all) and import those that now parse."""
    from frontdoor.ingest.quarantine import retry_quarantined
    from frontdoor.workspace.workspaces import default_workspace

    if bool(ids) == retry_all:
        raise click.UsageError("give record IDs or --all")
    opts = {**_parse_pairs(options, "--option"), **_parse_pairs(maps, "--map", prefix="map.")}
    store = store_from(ctx)
    with store.session() as s:
        ws_id = default_workspace(s, slug=workspace).id
    result = retry_quarantined(
        store,
        workspace_id=ws_id,
        record_ids=None if retry_all else list(ids),
        raw=raw_file.read_text(encoding="utf-8") if raw_file else None,
        options=opts or None,
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for o in result.outcomes:
            click.echo(f"#{o.record_id}: {'imported' if o.ok else 'still failing: ' + o.reason}")
        click.echo(f"{result.fixed} imported, {result.failed} still quarantined")
    ctx.exit(1 if result.failed else 0)


@quarantine_group.command("resolve")
@click.argument("ids", nargs=-1, type=int, required=True)
@workspace_option
@click.pass_context
def quarantine_resolve(ctx: click.Context, ids: tuple[int, ...], workspace: str | None) -> None:
    """Mark records resolved without importing them."""
    from frontdoor.ingest.quarantine import resolve_quarantined
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as s:
        ws_id = default_workspace(s, slug=workspace).id
        for rid in ids:
            resolve_quarantined(s, workspace_id=ws_id, record_id=rid)
    click.echo(f"{len(ids)} resolved")
