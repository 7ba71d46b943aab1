"""frontdoor.insights."""
