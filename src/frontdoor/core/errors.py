"""The one exception tree of frontdoor.

Every error a user can cause or meet derives from :class:`FrontdoorError`, so the CLI
and the web app can turn it into one clear line without a traceback::

    FrontdoorError
    ├── ConfigError            a setting is missing, malformed or unsafe
    ├── StoreError             the database cannot be used
    │   ├── DatabaseUnavailable    it cannot be reached or opened
    │   └── MigrationRequired      its schema is older than this code
    ├── NotFound               a named thing does not exist (in this workspace)
    ├── Conflict               a unique thing already exists
    ├── ValidationError        input is malformed; the message says which field and why
    ├── PermissionDenied       the user's role may not do this
    ├── AuthenticationError    bad credentials, token or signature
    ├── AdapterError           a source adapter cannot read its input at all
    │   └── RecordError            one record is bad (it goes to quarantine)
    ├── DeliveryError          an outbound delivery (Slack, email, HTTP) failed
    └── MissingExtra           an optional extra is not installed (the message says which)
"""

from __future__ import annotations


class FrontdoorError(Exception):
    """Base of every error frontdoor raises on purpose."""


class ConfigError(FrontdoorError):
    """A setting is missing, malformed or unsafe."""


class StoreError(FrontdoorError):
    """The database cannot be used."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened."""


class MigrationRequired(StoreError):
    """The database schema is older than this code: run ``frontdoor db upgrade``."""


class NotFound(FrontdoorError):
    """A named thing does not exist in this workspace."""


class Conflict(FrontdoorError):
    """A thing that must be unique already exists."""


class ValidationError(FrontdoorError):
    """Input is malformed; the message names the field and the reason."""


class PermissionDenied(FrontdoorError):
    """The acting user's role does not allow this action."""


class AuthenticationError(FrontdoorError):
    """Bad credentials, token or signature."""


class AdapterError(FrontdoorError):
    """A source adapter cannot read its input at all."""


class RecordError(AdapterError):
    """One record cannot be parsed; it is quarantined with this reason."""


class DeliveryError(FrontdoorError):
    """An outbound delivery failed."""


class MissingExtra(FrontdoorError):
    """An optional extra is needed; the message carries the install hint."""

    def __init__(self, extra: str, what: str) -> None:
        super().__init__(f"{what} needs the '{extra}' extra: pip install 'frontdoor[{extra}]'")
        self.extra = extra
