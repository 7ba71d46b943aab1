"""The ``frontdoor`` command line. Commands live in :mod:`frontdoor.commands`."""

from __future__ import annotations

import importlib
import logging
import sys

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from frontdoor.commands.init_cmd import db_group, init_command
from frontdoor.commands.serve_cmd import serve_command
from frontdoor.core.errors import FrontdoorError

COMMANDS: list[click.Command] = [init_command, db_group, serve_command]


def _optional_commands() -> list[click.Command]:
    """Commands that live in modules other issues own; each is a narrow import."""
    found: list[click.Command] = []
    for module, attr in OPTIONAL_COMMANDS:
        mod = importlib.import_module(module)
        found.append(getattr(mod, attr))
    return found


# (module, attribute) of commands registered beside the core ones.
OPTIONAL_COMMANDS: list[tuple[str, str]] = [
    ("frontdoor.commands.demo_cmd", "demo_command"),
    ("frontdoor.commands.import_cmd", "import_command"),
    ("frontdoor.commands.import_cmd", "quarantine_group"),
    ("frontdoor.commands.worker_cmd", "worker_command"),
    ("frontdoor.commands.sync_cmd", "sync_group"),
    ("frontdoor.commands.taxonomy_cmd", "taxonomy_group"),
    ("frontdoor.commands.tags_cmd", "tags_group"),
    ("frontdoor.commands.themes_cmd", "themes_command"),
    ("frontdoor.commands.eval_cmd", "eval_command"),
    ("frontdoor.commands.alerts_cmd", "alerts_group"),
    ("frontdoor.commands.roadmap_cmd", "roadmap_group"),
    ("frontdoor.commands.loop_cmd", "loop_group"),
    ("frontdoor.commands.oncall_cmd", "oncall_group"),
    ("frontdoor.commands.route_cmd", "route_command"),
    ("frontdoor.commands.route_cmd", "routing_group"),
    ("frontdoor.commands.accounts_cmd", "accounts_group"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="frontdoor")
def cli() -> None:
    """frontdoor: every customer conversation, tagged, routed, counted, in their own words."""


for _command in [*COMMANDS, *_optional_commands()]:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn known errors into one line on stderr."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    importlib.import_module("frontdoor.tagging.autotag").register_event_handlers()  # tag as they arrive
    # After tagging: spike alerts count the tags just given.
    importlib.import_module("frontdoor.alerts.service").register_event_handlers()
    importlib.import_module("frontdoor.routing.assign").register_event_handlers()  # then route them
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
