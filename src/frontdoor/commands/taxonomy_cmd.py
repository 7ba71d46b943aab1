"""``frontdoor taxonomy import|export|list``: the taxonomy as YAML, and its tree with counts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from frontdoor.commands._common import store_from, workspace_option


@click.group("taxonomy")
def taxonomy_group() -> None:
    """Import, export and list the tag taxonomy (YAML, Korean kept readable)."""


@taxonomy_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@workspace_option
@click.pass_context
def import_command(ctx: click.Context, file: Path, workspace: str | None) -> None:
    """Upsert dimensions and tags from a YAML FILE by key and path (safe to re-run)."""
    from frontdoor.tagging.taxonomy.yaml_io import import_yaml
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws = default_workspace(session, slug=workspace)
        result = import_yaml(session, workspace_id=ws.id, source=file)
        slug = ws.slug
    r = result
    click.echo(
        f"workspace {slug}: dimensions {r.dimensions_created} new, {r.dimensions_updated} updated; "
        f"tags {r.created} new, {r.updated} updated, {r.unchanged} unchanged, "
        f"{r.merged} merged, {r.retired} retired"
    )


@taxonomy_group.command("export")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default stdout)."
)
@workspace_option
@click.pass_context
def export_command(ctx: click.Context, output: Path | None, workspace: str | None) -> None:
    """Write the taxonomy as YAML (to stdout or --output)."""
    from frontdoor.tagging.taxonomy.yaml_io import export_yaml
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws = default_workspace(session, slug=workspace)
        text = export_yaml(session, workspace_id=ws.id)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


@taxonomy_group.command("list")
@click.option("--dimension", "-d", default=None, help="Only this dimension.")
@click.option("--all", "show_all", is_flag=True, help="Also list merged tags.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def list_command(
    ctx: click.Context, dimension: str | None, show_all: bool, as_json: bool, workspace: str | None
) -> None:
    """Print the tag tree with confirmed assignments and conversations per tag."""
    from frontdoor.tagging.taxonomy.tree import TagNode, tag_tree
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws = default_workspace(session, slug=workspace)
        tree = tag_tree(
            session,
            workspace_id=ws.id,
            dimension=dimension,
            include_merged=show_all,
            language=ws.default_language,
        )
    rows: list[dict[str, object]] = []

    def walk(nodes: list[TagNode]) -> None:
        for n in nodes:
            rows.append(
                {
                    "path": n.path,
                    "name": n.name,
                    "status": n.status,
                    "assignments": n.assignments,
                    "conversations": n.conversations,
                    "depth": n.depth,
                }
            )
            walk(n.children)

    walk(tree)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("no tags yet; import some with `frontdoor taxonomy import FILE`")
        return
    for r in rows:
        mark = "" if r["status"] == "active" else f" [{r['status']}]"
        indent = "  " * int(str(r["depth"]))
        click.echo(f"{indent}{r['path']}  {r['name']}{mark}  {r['conversations']} conversations")
