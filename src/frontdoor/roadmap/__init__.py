"""The roadmap: items, demand, the ranked board, the customers' words and closing the loop.

Where things are: :mod:`.items` (editing items and their tags), :mod:`.links` (tracker
URLs), :mod:`.demand` (12-week demand and the ranked board, the one definition pages and
the API share), :mod:`.priority` (the score), :mod:`.quotes` (the customers' words),
:mod:`.export` (an item as Markdown) and :mod:`.close_loop` (telling who asked that it shipped).
"""
