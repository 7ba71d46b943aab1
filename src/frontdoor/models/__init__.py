"""frontdoor.models."""
