"""The one exception hierarchy of ExportGuard.

::

    ExportGuardError                 root: catch this to catch everything we raise
    ├── InvalidInput(errors=[...])   a request or argument is wrong; one FieldError per problem
    ├── SourceFormatError            an official list file cannot be read (file, line, field)
    ├── RegimeError                  a regime data file is invalid (file, line, field)
    ├── IllegalTransition            a licence event not allowed from the current state
    ├── ConcurrentChange             someone else changed the object since it was read
    ├── VersionRequired              a change that must name the version it was based on
    ├── NotFound                     a named object does not exist
    ├── PermissionDenied             the actor may not do this
    │   ├── SecondOfficerRequired    four-eyes: the officer who decided may not confirm too
    │   └── StaleForm                a form's CSRF token is missing or not the session's
    ├── AuthenticationFailed         wrong user name, password or token (not said which)
    ├── TooManyAttempts              a throttle or a per-user allowance is used up
    ├── DownloadError                an official feed could not be downloaded
    └── StoreMismatch                a batch worker's store differs from the driver's

No HTTP status codes live here: the API maps these classes to responses in one table.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExportGuardError(Exception):
    """Root of every error ExportGuard raises on purpose."""

    code = "error"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class InvalidInput(ExportGuardError):
    """The caller gave something wrong; ``errors`` lists every field at fault."""

    code = "invalid_input"

    def __init__(self, errors: list[FieldError] | FieldError | str, field: str = "input") -> None:
        if isinstance(errors, str):
            errors = [FieldError(field, errors)]
        elif isinstance(errors, FieldError):
            errors = [errors]
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class _Located(ExportGuardError):
    """An error in a data file, located by file, line and field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SourceFormatError(_Located):
    """An official list file is malformed, unsafe or of an unknown format."""

    code = "source_format"


class RegimeError(_Located):
    """A regime data file is invalid."""

    code = "regime_invalid"


class IllegalTransition(ExportGuardError):
    """A licence event that the transition table does not allow from the current state."""

    code = "illegal_transition"


class ConcurrentChange(ExportGuardError):
    """Someone else changed the object since it was read (optimistic locking)."""

    code = "conflict"


class VersionRequired(ExportGuardError):
    """A change to a licence's conditions must say which version it was based on
    (``If-Match`` in the API, ``--version`` in the CLI), so no officer's change is lost."""

    code = "version_required"


class NotFound(ExportGuardError):
    """The object asked for does not exist (or is not visible to the actor)."""

    code = "not_found"


class PermissionDenied(ExportGuardError):
    """The actor is not allowed to do this."""

    code = "permission_denied"


class SecondOfficerRequired(PermissionDenied):
    """Four-eyes: a hit case's decision that needs confirming is confirmed (or sent back)
    by a second, different officer, never by the one who decided it."""

    code = "second_officer_required"


class StaleForm(PermissionDenied):
    """A cookie-signed request's CSRF token is missing or is not its session's (a form
    shown before the session changed, or another site's)."""


class AuthenticationFailed(ExportGuardError):
    """Wrong user name, password or token (which one is not said)."""

    code = "unauthenticated"


class TooManyAttempts(ExportGuardError):
    """Too many failed sign-ins, or a per-user allowance of an expensive call used up:
    wait before trying again."""

    code = "rate_limited"


class DownloadError(ExportGuardError):
    """A feed could not be downloaded (network, HTTP status, size)."""

    code = "download_failed"


class StoreMismatch(ExportGuardError):
    """A batch worker's store does not hold the snapshots the driver screens against."""

    code = "store_mismatch"
