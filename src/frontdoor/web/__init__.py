"""frontdoor.web."""
