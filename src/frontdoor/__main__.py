"""``python -m frontdoor`` runs the CLI."""

from frontdoor.cli import main

main()
