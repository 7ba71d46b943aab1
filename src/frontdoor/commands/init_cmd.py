"""``frontdoor init`` and ``frontdoor db ...``."""

from __future__ import annotations

import click

from frontdoor import models
from frontdoor.commands._common import settings_from, store_from
from frontdoor.db import migrate
from frontdoor.db.store import upgrade_store
from frontdoor.workspace.setup import init_workspace


@click.command("init")
@click.option("--workspace", "slug", default="default", show_default=True, help="Workspace slug.")
@click.option("--name", default="", help="Workspace display name.")
@click.option("--admin-email", required=True, help="Email of the first admin user.")
@click.option(
    "--admin-password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="FRONTDOOR_ADMIN_PASSWORD",
    help="Password of the first admin (prompted; or FRONTDOOR_ADMIN_PASSWORD).",
)
@click.option("--language", type=click.Choice(["ko", "en"]), default="ko", show_default=True)
@click.pass_context
def init_command(
    ctx: click.Context, slug: str, name: str, admin_email: str, admin_password: str, language: str
) -> None:
    """Create a workspace and its admin user (migrates the database first)."""
    upgrade_store(settings_from(ctx))
    store = store_from(ctx)
    with store.session() as session:
        result = init_workspace(
            session,
            slug=slug,
            name=name or slug,
            admin_email=admin_email,
            admin_password=admin_password,
            language=language,
        )
        click.echo(f"created workspace {result.workspace.slug} with admin {result.admin.email}")


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Migrate the database to the newest schema."""
    before, after = upgrade_store(settings_from(ctx))
    if before == after:
        click.echo(f"database already at {after}")
    else:
        click.echo(f"database migrated from {before or 'empty'} to {after}")


@db_group.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema revision of the database and of this code."""
    store = store_from(ctx, require_schema=False)
    click.echo(f"database: {migrate.current_revision(store.engine) or 'empty'}")
    click.echo(f"code:     {migrate.head_revision()}")


@db_group.command("check")
@click.pass_context
def db_check(ctx: click.Context) -> None:
    """Fail when the migrated schema and the models differ (drift)."""
    store = store_from(ctx)
    diffs = migrate.drift(store.engine, models.metadata)
    if diffs:
        for diff in diffs:
            click.echo(f"drift: {diff}")
        raise click.exceptions.Exit(1)
    click.echo("schema matches the models")
