"""frontdoor.text."""
