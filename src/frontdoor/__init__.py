"""frontdoor: every customer conversation in one front door."""

__version__ = "0.1.0"
