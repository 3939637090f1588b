"""The workflow's rules about answers (DESIGN §3, §4, §7), each written once.

The services apply them to one assessment at a time; the importer to a whole file's rows
at once. So each rule takes single values or whole arrays (NumPy arrays, pandas Series)
and answers element-wise, without a Python loop over rows.
"""

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

import numpy as np

from assessments.choices import EDITABLE_STATES, State
from coherence.choices import Perspective

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BOTH = Perspective.BOTH.value
LOCKED_STATES = tuple(state for state in State.values if state not in EDITABLE_STATES)


def answers_locked(state):
    """Whether an assessment in `state` keeps its answers as they are: submitting locks
    them until the assessment is returned. A state, or an array of states."""
    if isinstance(state, str):
        return state in LOCKED_STATES
    return np.isin(np.asarray(state, dtype=object), LOCKED_STATES)


def in_scope(indicator, assessment):
    """Whether an indicator of perspective `indicator` is in the scope of an assessment of
    perspective `assessment`: an indicator of both, or of the assessment's own, or any
    indicator for an assessment of both. Single perspectives, or arrays of them."""
    return (assessment == BOTH) | (indicator == BOTH) | (indicator == assessment)


def editable_only(
    state: str,
    flagged: Callable[[], Iterable[K]],
    others_flagged: Callable[[], bool] = lambda: False,
) -> set[K] | None:
    """The indicators whose answers an assessment in `state` lets change: None for every
    one; an assessment returned with some indicators flagged for correction, only those.
    `flagged()` gives the flagged answers' indicators; asked only of a returned one.
    `others_flagged()`: whether other entries of it (stock-taking) are flagged, which
    leaves only those editable — and no answer."""
    if state != State.RETURNED:
        return None
    chosen = set(flagged())
    if chosen or others_flagged():
        return chosen
    return None


def stock_entry_refusal(state: str, entry_flagged: bool, anything_flagged: Callable[[], bool]):
    """Why a stock-taking entry of an assessment in `state` may not change now, or None —
    the answers' rule: locked once submitted until returned; returned with entries flagged
    for correction (answers or stock-taking), only those. `entry_flagged`: the entry's own
    flag (False for a new one); `anything_flagged()`, asked only of a returned one."""
    if answers_locked(state):
        return "locked"
    if state == State.RETURNED and not entry_flagged and anything_flagged():
        return "not_flagged"
    return None


def frameworks_of(
    pairs: Iterable[tuple[str, int]],
    existing: Iterable[tuple[str, int, V]],
    current: Callable[[], V | None],
) -> dict[tuple[str, int], V]:
    """The framework version each (country, cycle) pair uses: every assessment of a pair
    uses the version of the first of them (`existing`: country, cycle and version of the
    assessments, in the order they were made); a pair with none yet uses the current
    published version, `current()`, asked only when a pair needs it. A pair with neither
    (no version published yet) is left out."""
    pairs = set(pairs)
    first: dict[tuple[str, int], V] = {}
    for country, cycle, version in existing:
        first.setdefault((country, cycle), version)
    chosen = {pair: first[pair] for pair in pairs if pair in first}
    if len(chosen) < len(pairs):
        version = current()
        if version is not None:
            chosen.update({pair: version for pair in pairs if pair not in first})
    return chosen


__all__ = [
    "LOCKED_STATES",
    "answers_locked",
    "editable_only",
    "frameworks_of",
    "in_scope",
    "stock_entry_refusal",
]
