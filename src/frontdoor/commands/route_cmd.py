"""``frontdoor route`` and ``frontdoor routing accuracy|train|rules``: routing to teams."""

from __future__ import annotations

import json

import click

from frontdoor.commands._common import store_from, workspace_option
from frontdoor.commands.tags_cmd import parse_since


@click.command("route")
@click.option("--since", default=None, help="Only conversations opened since this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def route_command(ctx: click.Context, since: str | None, as_json: bool, workspace: str | None) -> None:
    """Route conversations without a confirmed route to teams (rules, model, default).

    History is routed quietly: Slack and Channel Talk hear only about arrivals.
    """
    from frontdoor.routing.assign import route_unconfirmed
    from frontdoor.workspace.workspaces import default_workspace

    when = parse_since(since)
    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    result = route_unconfirmed(store, workspace_id=ws_id, since=when)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"{result.conversations} conversations: {result.routed} routed, {result.unchanged} unchanged, "
        f"{result.confirmed_skipped} confirmed by people"
    )
    for team, n in sorted(result.by_team.items()):
        click.echo(f"  {team}: {n}")
    for method, n in sorted(result.by_method.items()):
        click.echo(f"  by {method}: {n}")


@click.group("routing")
def routing_group() -> None:
    """Routing accuracy on human-confirmed routes, the routing model, and the rules."""


@routing_group.command("accuracy")
@click.option("--since", default=None, help="Only human decisions since this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def accuracy_command(ctx: click.Context, since: str | None, as_json: bool, workspace: str | None) -> None:
    """Predicted route (before a person decided) against the route people confirmed."""
    from frontdoor.routing.report import routing_accuracy
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        acc = routing_accuracy(session, workspace_id=ws_id, since=parse_since(since))
    data = acc.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    if not acc.compared:
        click.echo(f"no routes confirmed by people yet ({acc.decided} decided without a prediction)")
        return
    click.echo(f"accuracy {data['accuracy']:.1%}: {acc.correct} of {acc.compared} predictions kept by people")
    for method, row in data["by_method"].items():
        click.echo(f"  {method}: {row['correct']}/{row['compared']} ({row['accuracy']:.1%})")
    for predicted, row in data["confusion"].items():
        moved = ", ".join(f"{team} {n}" for team, n in sorted(row.items()) if team != predicted)
        if moved:
            click.echo(f"  predicted {predicted}, people chose: {moved}")


@routing_group.command("train")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@workspace_option
@click.pass_context
def train_command(ctx: click.Context, as_json: bool, workspace: str | None) -> None:
    """Retrain the routing model on the routes people confirmed or corrected."""
    from frontdoor.routing.model import train
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
    result = train(store, workspace_id=ws_id)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    teams = ", ".join(f"{t} {n}" for t, n in result.teams.items())
    click.echo(
        f"routing model {result.model_version}: {result.n_train} confirmed routes ({teams}), "
        f"cross-validated accuracy {result.cv_accuracy:.1%}, {result.fit_seconds:.1f}s"
    )


@routing_group.command("rules")
@workspace_option
@click.pass_context
def rules_command(ctx: click.Context, workspace: str | None) -> None:
    """List the teams and the rules in the order they are tried."""
    from frontdoor.routing.config import routing_config
    from frontdoor.workspace.workspaces import default_workspace

    store = store_from(ctx)
    with store.session() as session:
        ws_id = default_workspace(session, slug=workspace).id
        cfg = routing_config(session, workspace_id=ws_id)
    for team in cfg.teams:
        extra = []
        if team.slack_webhook_url:
            extra.append("Slack")
        if team.channeltalk_team_id:
            extra.append(f"Channel Talk team {team.channeltalk_team_id}")
        default = " (default)" if team.key == cfg.default_team else ""
        click.echo(
            f"team {team.key}{default}: {team.name('en')} / {team.name('ko')} {' · '.join(extra)}".rstrip()
        )
    if not cfg.rules:
        click.echo("no rules: the model (when trained) or the default team decides")
    for i, rule in enumerate(cfg.rules, 1):
        click.echo(f"{i}. {rule.label} -> {rule.team}: {'; '.join(rule.describe())}")
