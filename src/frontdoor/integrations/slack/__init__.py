"""Slack: workspace export zips (or their unzipped folder) and Events API webhooks.

A conversation is a thread (messages sharing ``thread_ts``) or a standalone top-level
message: external id ``<channel id>:<thread_ts or ts>``; each message's external id is
``<channel id>:<ts>``. ``ts`` values ("seconds.micros") are compared as integer pairs,
never floats. Join/leave/topic and similar housekeeping subtypes are skipped;
``bot_message`` is a bot.

Who is internal: with ``--option internal_domain=ourco.com`` (comma-separated list) a
user whose email is in one of those domains is an agent and everyone else a customer.
Without it, workspace admins/owners and members of the home team (``--option
team_id=T...``, else the team of the workspace's admins) are agents; guests, members of
other teams (Slack Connect) and users missing from ``users.json`` (external users are not
exported) are customers. Mentions ``<@U123>`` become ``@display name``; the subject is
``#channel`` followed by the thread's first line.

The zip is read member by member and one channel's threads at a time, so memory follows
the largest channel, not the export.

Modules: :mod:`.people` (who is an agent, a customer or a bot; mrkdwn to text),
:mod:`.messages` (timestamps, messages and threads to records), :mod:`.export` (the
``slack`` kind) and :mod:`.webhook` (Events API deliveries).
"""
