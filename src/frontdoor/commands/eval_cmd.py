"""``frontdoor eval``: measure the learned tagger on a labeled train/test pair."""

from __future__ import annotations

import json

import click

from frontdoor.core.errors import FrontdoorError


@click.command("eval")
@click.option(
    "--train",
    "train_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Training CSV with header text,label (several labels joined by '|').",
)
@click.option(
    "--test",
    "test_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Test CSV in the same format.",
)
@click.option(
    "--oos-label",
    default=None,
    metavar="L",
    help="Out-of-scope label: the tagger should abstain on it (not a class).",
)
@click.option(
    "--embeddings",
    default="auto",
    show_default=True,
    metavar="auto|none|PATH",
    help="Sentence embeddings: auto (if the extra is installed), none, or a local model directory.",
)
@click.option(
    "--finetune",
    is_flag=True,
    help="Fine-tune the sentence encoder on the training texts first (with embeddings; CPU minutes).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(
    train_path: str,
    test_path: str,
    oos_label: str | None,
    embeddings: str,
    finetune: bool,
    as_json: bool,
) -> None:
    """Train the learned tagger on --train and report how it does on --test.

    Reports accuracy, macro-F1, coverage (texts tagged without a human), in-scope accuracy and
    out-of-scope recall with --oos-label, the worst tags, training time and throughput.
    """
    from frontdoor.tagging.model.evaluation import evaluate_files, format_report

    try:
        report = evaluate_files(
            train_path,
            test_path,
            oos_label=oos_label,
            embeddings=embeddings,
            tagger_params={"finetune": True} if finetune else None,
        )
    except FrontdoorError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))
