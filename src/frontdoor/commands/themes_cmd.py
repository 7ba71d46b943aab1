"""``frontdoor themes``: discover themes the taxonomy does not cover; promote one to a tag."""

from __future__ import annotations

import json

import click

from frontdoor.commands._common import store_from, workspace_option


@click.command("themes")
@click.option("--dimension", "-d", default="area", show_default=True, help="Dimension whose coverage counts.")
@click.option("--since", default=None, help="Only conversations opened since this date (YYYY-MM-DD).")
@click.option("--k", "k", type=int, default=None, help="Number of themes (default: chosen by silhouette).")
@click.option("--promote", type=int, default=None, help="Promote theme N of the last run to a tag.")
@click.option("--path", default=None, help="Path of the promoted tag (default <dimension>/<key terms>).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def themes_command(
    ctx: click.Context,
    dimension: str,
    since: str | None,
    k: int | None,
    promote: int | None,
    path: str | None,
    as_json: bool,
    workspace: str | None,
) -> None:
    """Cluster untagged conversations into candidate tags with key terms and quotes."""
    from frontdoor.commands.tags_cmd import parse_since
    from frontdoor.tagging import theme_discovery as themes
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    if promote is not None:
        with store.session() as session:
            result = themes.promote_theme(session, workspace_id=ws_id, theme=promote, path=path)
            tag_path = result.tag.path
        click.echo(f"created tag {tag_path}, suggested on {result.suggested} conversations")
        return
    proposals = themes.discover(store, workspace_id=ws_id, dimension=dimension, since=parse_since(since), k=k)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in proposals], ensure_ascii=False))
        return
    if not proposals:
        click.echo("no themes: too few uncovered conversations")
        return
    for p in proposals:
        click.echo(f"[{p.index}] {p.suggested_name}  {p.size} conversations  terms: {', '.join(p.key_terms)}")
        for q in p.quotes:
            click.echo(f"      \u201c{' '.join(q['text'].split())[:100]}\u201d")
    click.echo("promote one with: frontdoor themes --promote N [--path area/name]")
