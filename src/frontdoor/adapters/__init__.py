"""frontdoor.adapters."""
