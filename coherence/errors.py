"""Refusals by kind: what a service raises when it will not do what it is asked.

Each class carries its kind and the HTTP status that kind answers in the API, as Zulip's
`zerver/lib/exceptions.py` does: the API's one exception handler (coherence.api.errors)
reads the status from the class, pages read the kind, and no caller chooses a status case
by case. An app's refusals inherit from one of these kinds and, for their error `code`,
from their own family (assessments.errors).
"""

from typing import ClassVar


class Refusal(Exception):
    """A refused request: `message` says why and what would allow it; `details` gives
    context or, for invalid input, the field (or indicator) → what is wrong with it.

    A refusal of no narrower kind is the state of things not allowing it (409)."""

    kind: ClassVar[str] = "refused"
    http_status: ClassVar[int] = 409
    code: ClassVar[str] = "refused"

    def __init__(self, message: str, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(Refusal):
    """What is asked for does not exist, or not for this caller."""

    kind = "not_found"
    http_status = 404


class Forbidden(Refusal):
    """The caller's role may not do this, whatever the state."""

    kind = "forbidden"
    http_status = 403


class WrongState(Refusal):
    """The thing is not in a state that allows this now."""

    kind = "wrong_state"
    http_status = 409


class Stale(Refusal):
    """Someone changed the thing since the caller read it (a version it no longer has)."""

    kind = "stale"
    http_status = 409


class Invalid(Refusal):
    """The input itself is wrong; `details` says where."""

    kind = "invalid"
    http_status = 400
