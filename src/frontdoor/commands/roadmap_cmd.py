"""``frontdoor roadmap list|export``: the ranked board and an item's customers' words as Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from frontdoor.commands._common import store_from, workspace_option


@click.group("roadmap")
def roadmap_group() -> None:
    """Rank roadmap items by demand and strategic weight; export an item for a design doc."""


@roadmap_group.command("list")
@workspace_option
@click.pass_context
def list_command(ctx: click.Context, workspace: str | None) -> None:
    """Print the ranked board: score, demand (12 weeks) and trend per item."""
    from frontdoor.roadmap.demand import ranked_items
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        board = ranked_items(session, workspace_id=ws_id)
        click.echo(f"demand window {board.start} .. {board.end} (trend from {board.recent_start})")
        for rank, row in enumerate(board.items, start=1):
            d = row.demand
            click.echo(
                f"{rank:3d}. [{row.item.id}] {row.item.title}  score {row.priority.score:.2f}  "
                f"({d.conversations} conversations, {d.accounts} accounts, ARR {d.arr:,}, "
                f"{d.movement.direction}, weight {row.priority.strategic_weight:g})"
            )


@roadmap_group.command("export")
@click.argument("item_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default: stdout)."
)
@click.option(
    "--base-url", default="", help="Prefix of conversation links, e.g. https://frontdoor.example.com"
)
@workspace_option
@click.pass_context
def export_command(
    ctx: click.Context, item_id: int, output: Path | None, base_url: str, workspace: str | None
) -> None:
    """Write item ITEM_ID as Markdown: demand, score terms and the customers' own words by account."""
    from frontdoor.roadmap.export import export_markdown
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        text = export_markdown(session, workspace_id=ws_id, item_id=item_id, base_url=base_url.rstrip("/"))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output} ({len(text.encode('utf-8')):,} bytes)")
