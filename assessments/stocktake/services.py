"""Every write to an assessment's stock-taking: list or change an instrument, remove it,
report or change an interaction, remove it. Pages, the API and the importer call these.

Each runs in one transaction, locks the assessment row, applies the answers' edit rules
(assessments.rules.stock_entry_refusal: locked once submitted; returned with entries
flagged, only those), keeps the change in the entry's history, and raises the
assessment's version as an answer save does."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Actor
from actors.roles import principal_of
from assessments import rules
from assessments.models import Answer, Assessment
from assessments.stocktake.checks import (
    InstrumentInput,
    InteractionInput,
    Known,
    instrument_problems,
    interaction_problems,
)
from assessments.stocktake.errors import (
    StockEntryMissing,
    StockForbidden,
    StockInvalid,
    StockLocked,
)
from assessments.stocktake.flags import interaction_key, stock_flagged
from assessments.stocktake.models import StockInstrument, StockInteraction
from coherence.choices import Role
from instruments.models import Instrument


def _locked(assessment: Assessment, by) -> Assessment:
    """The assessment read afresh and locked; refused unless `by` may change it."""
    principal = principal_of(by)
    current = Assessment.objects.select_for_update(of=("self",)).filter(pk=assessment.pk).first()
    if current is None:
        raise StockEntryMissing(_("No assessment %(id)s.") % {"id": assessment.pk})
    if principal.role not in (Role.FOCAL_POINT, Role.IMPORTER) or (
        principal.role == Role.FOCAL_POINT and principal.actor_id != current.actor_id
    ):
        raise StockForbidden(
            _("Only the assessment's own focal point may change its stock-taking.")
        )
    return current


def _check_editable(assessment: Assessment, entry_flagged: bool) -> None:
    refusal = rules.stock_entry_refusal(
        assessment.state,
        entry_flagged,
        lambda: (
            stock_flagged(assessment.pk)
            or Answer.objects.filter(assessment_id=assessment.pk, flagged=True).exists()
        ),
    )
    if refusal == "locked":
        raise StockLocked(
            _("The assessment is %(state)s: its stock-taking is locked until it is returned.")
            % {"state": assessment.state},
            {"state": assessment.state},
        )
    if refusal == "not_flagged":
        raise StockLocked(
            _("Only the entries returned for correction may change."),
            {"state": assessment.state},
        )


def known_for(assessment: Assessment, codes: Sequence[str] = ()) -> Known:
    """What the checks need for this assessment: the catalogue instruments named in
    `codes` (with whether each is a safeguard), the assessment's listed ones, and the codes
    of its country's actors."""
    listed = {
        s.code: s.is_safeguard
        for s in StockInstrument.objects.filter(assessment=assessment).select_related("instrument")
    }
    catalogue = dict(
        Instrument.objects.filter(code__in=set(codes)).values_list("code", "safeguard")
    )
    actors = set(
        Actor.objects.filter(country_id=assessment.country_id).values_list("code", flat=True)
    )
    return Known(catalogue=catalogue, listed=listed, actors=actors)


def _bump(assessment: Assessment, now) -> int:
    Assessment.objects.filter(pk=assessment.pk).update(version=F("version") + 1, updated_at=now)
    return assessment.version + 1


def save_instrument(assessment: Assessment, *, by, spec: InstrumentInput) -> StockInstrument:
    """List one of the country's instruments in the assessment — a catalogue one by its
    code, or a new one — or change the listed one of that code."""
    spec.code = spec.code.strip()
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = StockInstrument.objects.filter(assessment=current, code=spec.code).first()
        _check_editable(current, entry is not None and entry.flagged)
        known = known_for(current, [spec.code])
        errors = instrument_problems(spec, known, existing=entry is not None)
        if errors:
            raise StockInvalid(_("This instrument cannot be listed."), errors)
        entry = entry or StockInstrument(assessment=current, code=spec.code)
        if spec.is_new:
            owner = (
                Actor.objects.get(code=spec.owner, country_id=current.country_id)
                if spec.owner
                else None
            )
            values = {
                "instrument": None,
                "name": spec.name.strip(),
                "tool_type_id": spec.tool_type,
                "levels": sorted(set(spec.levels), key=spec.levels.index),
                "areas": sorted(set(spec.areas), key=spec.areas.index),
                "link": spec.link,
                "owner": owner,
                "safeguard": spec.safeguard,
            }
        else:
            values = {
                "instrument": Instrument.objects.get(code=spec.code),
                "name": "",
                "tool_type_id": None,
                "levels": [],
                "areas": [],
                "link": "",
                "owner": None,
                "safeguard": False,
            }
        if entry.pk and all(getattr(entry, k) == v for k, v in values.items()):
            return entry  # nothing changes: no history row, no new version
        for key, value in values.items():
            setattr(entry, key, value)
        entry.updated_by, entry._history_user = by, by
        entry.save()
        _bump(current, timezone.now())
    return entry


def remove_instrument(assessment: Assessment, *, by, code: str) -> None:
    """Take an instrument off the assessment's list, with the interactions it is in."""
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = StockInstrument.objects.filter(assessment=current, code=code).first()
        if entry is None:
            raise StockEntryMissing(
                _("No instrument %(code)s in this assessment's stock-taking.") % {"code": code},
                {"code": code},
            )
        _check_editable(current, entry.flagged)
        _check_not_mitigating(current, entry)
        for interaction in StockInteraction.objects.filter(
            Q(source=entry) | Q(target=entry), assessment=current
        ):
            interaction._history_user = by
            interaction.delete()
        entry._history_user = by
        entry.delete()
        _bump(current, timezone.now())


def _check_not_mitigating(assessment: Assessment, entry: StockInstrument) -> None:
    """A new safeguard that a reported mitigation names stays until that mitigation goes
    (a catalogue one is still found in the catalogue)."""
    if entry.instrument_id:
        return
    naming = [
        interaction_key(i.source.code, i.target.code)
        for i in StockInteraction.objects.filter(assessment=assessment).select_related(
            "source", "target"
        )
        if any(m.get("safeguard") == entry.code for m in i.mitigations)
    ]
    if naming:
        raise StockInvalid(
            _("%(code)s mitigates %(pairs)s: change those interactions first.")
            % {"code": entry.code, "pairs": ", ".join(naming)},
            {"code": _("Named as a mitigation.")},
        )


def save_interaction(assessment: Assessment, *, by, spec: InteractionInput) -> StockInteraction:
    """Report how one listed instrument affects another, or change that report."""
    with transaction.atomic():
        current = _locked(assessment, by)
        ends = {
            s.code: s
            for s in StockInstrument.objects.filter(
                assessment=current, code__in=[spec.source, spec.target]
            )
        }
        entry = None
        if spec.source in ends and spec.target in ends:
            entry = StockInteraction.objects.filter(
                assessment=current, source=ends[spec.source], target=ends[spec.target]
            ).first()
        _check_editable(current, entry is not None and entry.flagged)
        known = known_for(current, [m.safeguard for m in spec.mitigations])
        errors = interaction_problems(spec, known)
        if errors:
            raise StockInvalid(_("This interaction cannot be reported."), errors)
        values = {
            "score": spec.score,
            "rationale": spec.rationale.strip(),
            "mitigations": [
                {"safeguard": m.safeguard, "how": m.how.strip()} for m in spec.mitigations
            ],
            "no_mitigation": spec.no_mitigation,
        }
        entry = entry or StockInteraction(
            assessment=current, source=ends[spec.source], target=ends[spec.target]
        )
        if entry.pk and all(getattr(entry, k) == v for k, v in values.items()):
            return entry
        for key, value in values.items():
            setattr(entry, key, value)
        entry.updated_by, entry._history_user = by, by
        entry.save()
        _bump(current, timezone.now())
    return entry


def remove_interaction(assessment: Assessment, *, by, source: str, target: str) -> None:
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = (
            StockInteraction.objects.filter(
                assessment=current, source__code=source, target__code=target
            )
            .select_related("source", "target")
            .first()
        )
        if entry is None:
            raise StockEntryMissing(
                _("No interaction %(key)s in this assessment's stock-taking.")
                % {"key": interaction_key(source, target)},
                {"interaction": interaction_key(source, target)},
            )
        _check_editable(current, entry.flagged)
        entry._history_user = by
        entry.delete()
        _bump(current, timezone.now())


__all__ = [
    "StockInvalid",
    "InstrumentInput",
    "InteractionInput",
    "remove_instrument",
    "remove_interaction",
    "save_instrument",
    "save_interaction",
]
