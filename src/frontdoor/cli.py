"""The ``frontdoor`` command line. Commands live in :mod:`frontdoor.commands`."""

from __future__ import annotations

import logging
import sys

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from frontdoor import bootstrap
from frontdoor.commands.accounts_cmd import accounts_group
from frontdoor.commands.alerts_cmd import alerts_group
from frontdoor.commands.demo_cmd import demo_command
from frontdoor.commands.eval_cmd import eval_command
from frontdoor.commands.import_cmd import import_command, quarantine_group
from frontdoor.commands.init_cmd import db_group, init_command
from frontdoor.commands.loop_cmd import loop_group
from frontdoor.commands.oncall_cmd import oncall_group
from frontdoor.commands.roadmap_cmd import roadmap_group
from frontdoor.commands.route_cmd import route_command, routing_group
from frontdoor.commands.serve_cmd import serve_command
from frontdoor.commands.sync_cmd import sync_group
from frontdoor.commands.tags_cmd import tags_group
from frontdoor.commands.taxonomy_cmd import taxonomy_group
from frontdoor.commands.themes_cmd import themes_command
from frontdoor.commands.worker_cmd import worker_command
from frontdoor.core.errors import FrontdoorError

# Every command (`frontdoor --help` lists them sorted by name).
COMMANDS: list[click.Command] = [
    init_command,
    db_group,
    serve_command,
    demo_command,
    import_command,
    quarantine_group,
    worker_command,
    sync_group,
    taxonomy_group,
    tags_group,
    themes_command,
    eval_command,
    alerts_group,
    roadmap_group,
    loop_group,
    oncall_group,
    route_command,
    routing_group,
    accounts_group,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontdoor")
def cli() -> None:
    """frontdoor: every customer conversation, tagged, routed, counted, in their own words."""


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn known errors into one line on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Imports tag, route and count conversations as they arrive; tasks and sweeps run inline.
    bootstrap.wire()
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of exiting with it.
        code = cli.main(args=argv, prog_name="frontdoor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except FrontdoorError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        click.echo(f"error: database: {reason}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        click.echo(f"error: database: {str(exc).splitlines()[0]}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)
