"""frontdoor.services."""
