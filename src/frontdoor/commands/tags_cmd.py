"""``frontdoor tags train|apply|review|quality``: the learned tagger of a workspace."""

from __future__ import annotations

import datetime as dt
import json

import click

from frontdoor.commands._common import store_from, workspace_option


def parse_since(value: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` or an ISO timestamp; without a zone it is UTC."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or ISO timestamp") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


@click.group("tags")
def tags_group() -> None:
    """Train the auto-tagger, apply it, review its suggestions, report its quality."""


@tags_group.command("train")
@click.option(
    "--embeddings", default=None, help="Embedding backend: none, auto, package or a model directory."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def train_command(ctx: click.Context, embeddings: str | None, as_json: bool, workspace: str | None) -> None:
    """Train the workspace's tagger on its confirmed tags and make it current."""
    from frontdoor.tagging.training import train
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    result = train(store, workspace_id=ws_id, embeddings=embeddings)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"model {result.model_version}: {result.n_train} conversations, "
        f"dimensions {', '.join(result.dimensions)}, {result.fit_seconds:.1f}s -> {result.path}"
    )
    for dim, why in result.skipped.items():
        click.echo(f"  skipped {dim}: {why}")


@tags_group.command("apply")
@click.option("--since", default=None, help="Only conversations opened since this date (YYYY-MM-DD).")
@click.option("--no-rules", is_flag=True, help="Skip keyword and pattern rules.")
@click.option("--no-model", is_flag=True, help="Skip the learned model.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def apply_command(
    ctx: click.Context,
    since: str | None,
    no_rules: bool,
    no_model: bool,
    as_json: bool,
    workspace: str | None,
) -> None:
    """Suggest tags for conversations (rules, then the model); human decisions stay."""
    from frontdoor.tagging.autotag import apply
    from frontdoor.workspace.workspaces import default_workspace

    when = parse_since(since)
    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    result = apply(store, workspace_id=ws_id, since=when, rules=not no_rules, model=not no_model)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    model = f"model {result.model_version}" if result.model_version else "no trained model"
    click.echo(
        f"{result.conversations} conversations: {result.rule_assignments} rule assignments, "
        f"{result.model_suggestions} model suggestions, {result.needs_human} need a human ({model})"
    )


@tags_group.command("review")
@click.option("--limit", default=20, show_default=True, help="Questions to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def review_command(ctx: click.Context, limit: int, as_json: bool, workspace: str | None) -> None:
    """List the review queue: the suggestions whose answers teach the model most."""
    from frontdoor.tagging import review
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        items = review.review_queue(session, workspace_id=ws_id, limit=limit)
    if as_json:
        click.echo(json.dumps([i.__dict__ for i in items], ensure_ascii=False, default=str))
        return
    for i in items:
        conf = "-" if i.confidence is None else f"{i.confidence:.2f}"
        excerpt = " ".join(i.excerpt.split())[:80]
        why = ", ".join(i.reasons)
        click.echo(f"#{i.assignment_id} {i.path} conf {conf} [{why}] c{i.conversation_id}: {excerpt}")
    if not items:
        click.echo("nothing to review")


@tags_group.command("quality")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def quality_command(ctx: click.Context, folds: int, as_json: bool, workspace: str | None) -> None:
    """Cross-validate the tagger on the workspace's own confirmed tags."""
    from frontdoor.tagging.quality import quality_report
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    report = quality_report(store, workspace_id=ws_id, folds=folds)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    if report.note:
        click.echo(report.note)
        return
    click.echo(f"{report.n_conversations} conversations, {report.folds}-fold cross-validation")
    for dim, m in report.dimensions.items():
        click.echo(
            f"  {dim}: precision {m['precision']:.1%}, coverage {m['coverage']:.1%}, recall {m['recall']:.1%}"
        )
    for t in report.tags[:10]:
        click.echo(
            f"  {t.path}: F1 {t.f1:.2f} (precision {t.precision:.2f}, recall {t.recall:.2f}, n={t.support})"
        )
