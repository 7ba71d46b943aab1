"""frontdoor.demo."""
