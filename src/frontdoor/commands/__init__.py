"""CLI commands, one module per verb or verb group, registered in :mod:`frontdoor.cli`.

Command modules import only click and frontdoor's light modules at import time, so
``frontdoor --help`` stays fast; heavy libraries are imported inside the command.
"""
