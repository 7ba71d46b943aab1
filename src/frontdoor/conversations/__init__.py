"""Conversations: the searchable list and the detail view.

Where things are: :mod:`.filters` (what each filter means, shared with exports and
insights), :mod:`.listing` (the paginated list) and :mod:`.detail` (one conversation).
"""
