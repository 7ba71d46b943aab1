"""frontdoor.tagging."""
