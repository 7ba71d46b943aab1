"""frontdoor.db."""
