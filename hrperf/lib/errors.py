"""One family of domain errors. Each carries a stable machine-readable code; messages are
translated where they are shown, and field errors name the field (and row, for files)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str | Promise
    code: str = "invalid"
    row: int | None = None


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    """Bad input: every problem, each naming its field; nothing was saved."""

    code = "invalid"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class NotAllowed(DomainError, PermissionDenied):
    """The actor may not do this (role, or the object is not theirs). Also Django's
    PermissionDenied, so that a page answers it with a 403 like any other refusal."""

    code = "not_allowed"


class Conflict(DomainError):
    """The object changed since the caller read it, or is in a state that forbids the action."""

    code = "conflict"


@dataclass
class ErrorList:
    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str | Promise, code: str = "invalid") -> None:
        self.errors.append(FieldError(field=field_name, message=message, code=code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
