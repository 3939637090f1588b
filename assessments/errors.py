"""The refusals of assessments' services, each of one kind (coherence.errors: not found,
forbidden, wrong state, stale, invalid) and one family, whose `code` the API reports:
`transition_refused`, `invalid_answers`, `conflict`, `not_found`, or `refused` for the
rest.

The kind decides the API's status (in coherence.api.errors, the one handler) and how a
page shows it (assessments.views._page_status and _refused); the family is what a caller
catches.
"""

from coherence.errors import Forbidden, Invalid, NotFound, Refusal, Stale, WrongState


class WorkflowError(Refusal):
    """A refused write; `message` says why and what would allow it. Refused by a batch
    function (create_assessments, save_answers_many, transition_many), `index` is the
    position of the item refused."""

    index: int | None = None


# --- Starting an assessment ---------------------------------------------------------------


class AssessmentGone(WorkflowError, NotFound):
    """An assessment deleted since the caller read it."""

    code = "not_found"


class AssessmentExists(WorkflowError, WrongState):
    """The actor already has an assessment of that country and cycle."""


class NoFramework(WorkflowError, WrongState):
    """No framework version is published yet."""


class ActorWithoutCountry(WorkflowError, WrongState):
    """The actor is not of the country assessed (an international actor has none)."""


class UnknownPerspective(WorkflowError, Invalid):
    pass


# --- Transitions ----------------------------------------------------------------------------


class TransitionRefused(WorkflowError):
    code = "transition_refused"


class TransitionForbidden(TransitionRefused, Forbidden):
    """The caller's role may not take this action on this assessment (starting one
    included)."""


class TransitionWrongState(TransitionRefused, WrongState):
    """The action is not allowed from the assessment's state; `details` has the state and
    the states it is allowed from."""


class ReasonRequired(TransitionRefused, Invalid):
    pass


class NotReturnable(TransitionRefused, Invalid):
    """Indicators that cannot be returned for correction; `details` maps their codes to
    why."""


class TransitionRaced(TransitionRefused, Stale):
    """The assessment changed between its lock and its update (only a broken lock)."""


# --- Answers --------------------------------------------------------------------------------


class AnswersRefused(WorkflowError):
    """Answers that cannot be saved."""

    code = "invalid_answers"


class AnswersForbidden(AnswersRefused, Forbidden):
    """Only the assessment's own focal point (or the importer) changes answers."""


class AnswersLocked(AnswersRefused, WrongState):
    """The assessment is not editable in its state; `details` has the state."""


class AnswersInvalid(AnswersRefused, Invalid):
    """`details` maps indicator codes to what is wrong with their answers."""


class Conflict(WorkflowError, Stale):
    """Someone saved the assessment since the caller read it. `details` holds the current
    version and the answers changed since the caller's version, so nothing is lost."""

    code = "conflict"


__all__ = [
    "ActorWithoutCountry",
    "AnswersForbidden",
    "AnswersInvalid",
    "AnswersLocked",
    "AnswersRefused",
    "AssessmentExists",
    "AssessmentGone",
    "Conflict",
    "NoFramework",
    "NotReturnable",
    "ReasonRequired",
    "TransitionForbidden",
    "TransitionRaced",
    "TransitionRefused",
    "TransitionWrongState",
    "UnknownPerspective",
    "WorkflowError",
]
