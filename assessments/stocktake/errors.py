"""The refusals of stock-taking's services, of the kinds of coherence.errors and of one
family, whose `code` the API reports: `invalid_stocktake`, or `stocktake_conflict` for an
entry changed since the caller read it."""

from assessments.errors import WorkflowError
from coherence.errors import Forbidden, Invalid, NotFound, Stale, WrongState


class StockRefused(WorkflowError):
    """A stock-taking write that cannot be made."""

    code = "invalid_stocktake"


class StockForbidden(StockRefused, Forbidden):
    """Only the assessment's own focal point (or the importer) changes its stock-taking."""


class StockLocked(StockRefused, WrongState):
    """The assessment is not editable in its state, or only its flagged entries are;
    `details` has the state."""


class StockInvalid(StockRefused, Invalid):
    """`details` maps each field to what is wrong with it."""


class StockEntryMissing(StockRefused, NotFound):
    """No such entry in the assessment's stock-taking."""


class StockConflict(StockRefused, Stale):
    """Someone changed, listed or removed the same entry since the caller read it (its
    revision is not the one the caller sent). `details`: the entry's key, its `revision`
    now (0: there is none) and `current`, the entry as it now reads (null: there is none),
    so that the caller loses nothing; nothing is written."""

    code = "stocktake_conflict"


__all__ = [
    "StockConflict",
    "StockEntryMissing",
    "StockForbidden",
    "StockInvalid",
    "StockLocked",
    "StockRefused",
]
