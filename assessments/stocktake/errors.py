"""The refusals of stock-taking's services, of the kinds of coherence.errors and of one
family, whose `code` the API reports: `invalid_stocktake`."""

from assessments.errors import WorkflowError
from coherence.errors import Forbidden, Invalid, NotFound, WrongState


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


__all__ = ["StockEntryMissing", "StockForbidden", "StockInvalid", "StockLocked", "StockRefused"]
