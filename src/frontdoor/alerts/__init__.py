"""Spike alerts: detect a tag's unusual rise, record it once, deliver it.

Where things are: :mod:`.spikes` (the statistics, no database), :mod:`.service`
(evaluating tags as conversations arrive, recording alerts), :mod:`.settings`,
:mod:`.examples` (quotes and accounts), :mod:`.delivery` (Slack and email, once) and
:mod:`.listing` (what pages and the CLI show).
"""
