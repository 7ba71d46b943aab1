"""The taxonomy: dimensions and hierarchical tags, edited without losing history.

A tag is addressed by its path, whose first segment is its dimension's key
(``area/dashboard/export`` is in dimension ``area``; its parent is ``area/dashboard``).
The dimension itself is the root, so a top-level tag has no parent. Missing ancestors are
created on the way, so a path is always a chain of existing tags.

Where things are:

* :mod:`.validation` -- who may edit; what a key, path or list may hold;
* :mod:`.dimensions` -- the dimensions (the roots);
* :mod:`.tags` -- look up, list, create, edit, retire and reactivate a tag;
* :mod:`.restructure` -- rename, move and merge (history and counts kept);
* :mod:`.auto_confirm` -- which tags' rule hits skip review;
* :mod:`.tree` -- the tree with counts from the assignments (CLI);
* :mod:`.yaml_io` -- YAML export and idempotent import;
* :mod:`.views` -- what the web pages show: the tree with per-day counts and trends.
"""
