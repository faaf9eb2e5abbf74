"""Domain errors: what pages and APIs turn into a clear message (Italian or English).

Services raise these; they never raise on user input with anything else. Each error carries a
stable machine `code` (for APIs and tests) and a translatable human `message`.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request the domain refuses, with a message fit for the person who made it."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field

    def __str__(self) -> str:  # evaluated in the active language
        return str(self.message)


class InvalidData(DomainError):
    """One or more fields are wrong; `errors` maps each field to its messages."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str | Promise]]):
        self.errors = errors
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)

    def as_dict(self) -> dict[str, list[str]]:
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}


class NotAllowed(DomainError):
    """The actor may not do this (role, ownership)."""

    code = "not_allowed"
    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (an illegal transition, a stale version)."""

    code = "conflict"
    status = 409
