"""frontdoor.core.text."""
