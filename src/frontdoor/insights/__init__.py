"""Insights: what customers ask about, over time, counted the way the conversation list counts.

* :mod:`.counting` -- what counts (confirmed tags with descendants, distinct accounts, ARR)
  and the statement parts every aggregate shares;
* :mod:`.windows` -- the time window and its buckets in the workspace's timezone;
* :mod:`.statements` -- how aggregate statements run (memory, cache, in parallel);
* :mod:`.tag_trends` -- one tag's or a dimension's volume per bucket;
* :mod:`.movers` -- counts before/after a split, and the tags rising or falling;
* :mod:`.trends` -- the pure arithmetic: bucket labels and the rising/falling test;
* :mod:`.periods` -- UTC buckets for the survey charts;
* :mod:`.overview` -- a workspace's counts at a glance.
"""
