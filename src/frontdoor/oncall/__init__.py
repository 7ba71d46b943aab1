"""Customer on-call for engineers: rotation, reading queue, notes and the weekly digest.

Where things are: :mod:`.rotation` (who is on call which week), :mod:`.queue` (what the
engineer reads), :mod:`.notes` (read marks with notes), :mod:`.digest` (what the weekly
digest says) and :mod:`.digest_delivery` (sending it once, and the sweep that finds due ones).
"""
