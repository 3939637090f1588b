"""A reviewer's flags on stock-taking entries: set on a return, cleared on submission.

An entry is named by its key: an instrument by its code, an interaction by
`SOURCE>TARGET` (DESIGN §7: "single indicators flagged for correction", here entries)."""

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from assessments.stocktake.errors import StockInvalid
from assessments.stocktake.models import StockInstrument, StockInteraction

PAIR = ">"


def interaction_key(source: str, target: str) -> str:
    return f"{source}{PAIR}{target}"


def stock_flagged(assessment_id: int) -> bool:
    """Whether any stock-taking entry of the assessment is flagged for correction."""
    return (
        StockInstrument.objects.filter(assessment_id=assessment_id, flagged=True).exists()
        or StockInteraction.objects.filter(assessment_id=assessment_id, flagged=True).exists()
    )


def flag_stock_entries(assessment, entries: Mapping[str, str], *, by) -> None:
    """Flag the named entries (key → comment); only these, and the answers flagged with
    them, become editable. Each entry must exist and carry a comment."""
    instruments = {i.code: i for i in StockInstrument.objects.filter(assessment=assessment)}
    interactions = {
        interaction_key(i.source.code, i.target.code): i
        for i in StockInteraction.objects.filter(assessment=assessment).select_related(
            "source", "target"
        )
    }
    errors, chosen = {}, []
    for key, comment in entries.items():
        entry = instruments.get(key) or interactions.get(key)
        if entry is None:
            errors[key] = _("No stock-taking entry %(key)s in this assessment.") % {"key": key}
        elif not (comment or "").strip():
            errors[key] = _("Each returned entry needs a comment.")
        else:
            entry.flagged, entry.flag_comment, entry.updated_by = True, comment.strip(), by
            entry._history_user = by
            chosen.append(entry)
    if errors:
        raise StockInvalid(_("Some stock-taking entries cannot be returned."), errors)
    for entry in chosen:
        entry.save(update_fields=["flagged", "flag_comment", "updated_by", "updated_at"])


def clear_stock_flags(assessment_ids: Iterable[int]) -> None:
    """On submission the flags go, as the answers' do."""
    ids = list(assessment_ids)
    for model in (StockInstrument, StockInteraction):
        model.objects.filter(assessment_id__in=ids, flagged=True).update(
            flagged=False, flag_comment=""
        )
