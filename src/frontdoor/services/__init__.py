"""The services layer: every CLI command, web page and API route goes through here.

Conventions (shared by every module in this package):

- Functions take the SQLAlchemy ``session`` as their only positional argument and
  everything else keyword-only, starting with ``workspace_id`` where data is scoped.
- They never commit: the caller (a command or a request) owns the unit of work, except
  for long-running jobs (imports, training) that take a :class:`~frontdoor.services.store.Store`
  and commit in batches.
- They raise errors from :mod:`frontdoor.errors`, never HTTP or click exceptions.
"""
