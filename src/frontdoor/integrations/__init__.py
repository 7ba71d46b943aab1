"""Parsing and HTTP with outside systems: source adapters, webhook handlers, outbound Slack and email.

No database here: adapters turn files and payloads into records
(:mod:`frontdoor.integrations.base`), the ingest feature stores them. Which class serves
which source kind is listed in :mod:`frontdoor.integrations.registry`.
"""
