"""UI strings by area, one module each (``MESSAGES`` dict of key -> {"ko": ..., "en": ...}).

:mod:`frontdoor.core.i18n` merges every module of this package into its catalogue, so an
area adds its strings without touching the shared file.
"""
