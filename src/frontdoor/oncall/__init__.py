"""Customer on-call for engineers: rotation, reading queue, notes and the weekly digest."""
