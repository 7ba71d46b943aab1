"""frontdoor.web.routes."""
