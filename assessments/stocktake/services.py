"""Every write to an assessment's stock-taking: list or change an instrument, remove it,
report or change an interaction, remove it. Pages, the API and the importer call these.

Each runs in one transaction, locks the assessment row, applies the answers' edit rules
(assessments.rules.stock_entry_refusal: locked once submitted; returned with entries
flagged, only those), and keeps the change in the entry's history.

Concurrency is the entry's own: a change or removal names the `revision` of the entry the
caller read (0: there was none; it lists a new one). Another revision now — someone
changed, listed or removed that entry meanwhile — is a StockConflict and nothing is
written; other entries' changes never are. The assessment's `version` is the answers' and
transitions' counter (DESIGN §7) and a stock-taking change leaves it as it is: a focal
point's answers form never conflicts with a colleague's stock-taking edit. Each change
takes the next value of the assessment's `stock_revision` as the entry's revision, so a
revision is never reused, not even by an entry removed and listed again."""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
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
    StockConflict,
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


def _next_revision(assessment: Assessment) -> int:
    """The assessment's next stock-taking revision, taken (the row is locked)."""
    assessment.stock_revision += 1
    Assessment.objects.filter(pk=assessment.pk).update(
        stock_revision=assessment.stock_revision, updated_at=timezone.now()
    )
    return assessment.stock_revision


def _check_revision(key: str, entry, revision: int | None, current) -> None:
    """Refused unless `entry` (None: there is none) is at the `revision` the caller read
    (0: none). None: the caller read nothing first (the demo data), nothing to check."""
    now = entry.revision if entry is not None else 0
    if revision is None or revision == now:
        return
    if entry is None:
        message = _("%(key)s was removed by someone else since you read it: nothing was changed.")
    elif revision == 0:
        message = _(
            "%(key)s was listed by someone else since you read the stock-taking: nothing "
            "was changed. Check what it now says, then send your change again."
        )
    else:
        message = _(
            "%(key)s was changed by someone else since you read it: nothing was changed. "
            "Check what it now says, then send your change again."
        )
    raise StockConflict(
        message % {"key": key}, {"entry": key, "revision": now, "current": current()}
    )


def _check_removed_since(key: str, history, revision: int | None) -> None:
    """A removal of an entry someone else removed after the caller read it is a conflict
    (a removal's history row carries the revision the removal took), not a 404."""
    if revision and history.filter(history_type="-", revision__gt=revision).exists():
        _check_revision(key, None, revision, lambda: None)


def _instrument_now(entry: StockInstrument | None):
    """What a conflict shows of an instrument as it now is."""
    if entry is None:
        return lambda: None
    return lambda: {
        "code": entry.code,
        "name": entry.display_name,
        "catalogue": entry.instrument_id is not None,
        "revision": entry.revision,
        "updated_by": entry.updated_by.get_username() if entry.updated_by_id else None,
    }


def _interaction_now(entry: StockInteraction | None, source: str, target: str):
    if entry is None:
        return lambda: None
    return lambda: {
        "source": source,
        "target": target,
        "score": entry.score,
        "rationale": entry.rationale,
        "mitigations": entry.mitigations,
        "no_mitigation": entry.no_mitigation,
        "revision": entry.revision,
        "updated_by": entry.updated_by.get_username() if entry.updated_by_id else None,
    }


def save_instrument(
    assessment: Assessment, *, by, spec: InstrumentInput, revision: int | None = None
) -> StockInstrument:
    """List one of the country's instruments in the assessment — a catalogue one by its
    code, or a new one — or change the listed one of that code (`revision`: the one read,
    0 to list a new one; the module's docstring)."""
    spec.code = spec.code.strip()
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = (
            StockInstrument.objects.filter(assessment=current, code=spec.code)
            .select_related("instrument", "updated_by")
            .first()
        )
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
            return entry  # nothing changes: no history row, no new revision, no conflict
        stored = entry if entry.pk else None
        _check_revision(spec.code, stored, revision, _instrument_now(stored))
        for key, value in values.items():
            setattr(entry, key, value)
        entry.revision = _next_revision(current)
        entry.updated_by, entry._history_user = by, by
        entry.save()
    return entry


def remove_instrument(
    assessment: Assessment, *, by, code: str, revision: int | None = None
) -> None:
    """Take an instrument off the assessment's list, with the interactions it is in
    (`revision`: the one read)."""
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = (
            StockInstrument.objects.filter(assessment=current, code=code)
            .select_related("instrument", "updated_by")
            .first()
        )
        if entry is None:
            removed = StockInstrument.history.filter(assessment_id=current.pk, code=code)
            _check_removed_since(code, removed, revision)
            raise StockEntryMissing(
                _("No instrument %(code)s in this assessment's stock-taking.") % {"code": code},
                {"code": code},
            )
        _check_editable(current, entry.flagged)
        _check_revision(code, entry, revision, _instrument_now(entry))
        _check_not_mitigating(current, entry)
        removal = _next_revision(current)
        for interaction in StockInteraction.objects.filter(
            Q(source=entry) | Q(target=entry), assessment=current
        ):
            interaction._history_user, interaction.updated_by = by, by
            interaction.revision = removal  # the removal's row in the history says when
            interaction.delete()
        entry._history_user, entry.updated_by, entry.revision = by, by, removal
        entry.delete()


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


def save_interaction(
    assessment: Assessment, *, by, spec: InteractionInput, revision: int | None = None
) -> StockInteraction:
    """Report how one listed instrument affects another, or change that report
    (`revision`: the one read, 0 to report a new one)."""
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
            entry = (
                StockInteraction.objects.filter(
                    assessment=current, source=ends[spec.source], target=ends[spec.target]
                )
                .select_related("updated_by")
                .first()
            )
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
        stored = entry if entry.pk else None
        _check_revision(
            interaction_key(spec.source, spec.target),
            stored,
            revision,
            _interaction_now(stored, spec.source, spec.target),
        )
        for key, value in values.items():
            setattr(entry, key, value)
        entry.revision = _next_revision(current)
        entry.updated_by, entry._history_user = by, by
        entry.save()
    return entry


def remove_interaction(
    assessment: Assessment, *, by, source: str, target: str, revision: int | None = None
) -> None:
    """Withdraw a reported interaction (`revision`: the one read)."""
    with transaction.atomic():
        current = _locked(assessment, by)
        entry = (
            StockInteraction.objects.filter(
                assessment=current, source__code=source, target__code=target
            )
            .select_related("source", "target", "updated_by")
            .first()
        )
        if entry is None:
            ends = StockInstrument.history.filter(assessment_id=current.pk)
            removed = StockInteraction.history.filter(
                assessment_id=current.pk,
                source_id__in=ends.filter(code=source).values("id"),
                target_id__in=ends.filter(code=target).values("id"),
            )
            _check_removed_since(interaction_key(source, target), removed, revision)
            raise StockEntryMissing(
                _("No interaction %(key)s in this assessment's stock-taking.")
                % {"key": interaction_key(source, target)},
                {"interaction": interaction_key(source, target)},
            )
        _check_editable(current, entry.flagged)
        _check_revision(
            interaction_key(source, target),
            entry,
            revision,
            _interaction_now(entry, source, target),
        )
        entry._history_user, entry.updated_by = by, by
        entry.revision = _next_revision(current)
        entry.delete()


__all__ = [
    "StockConflict",
    "StockInvalid",
    "InstrumentInput",
    "InteractionInput",
    "remove_instrument",
    "remove_interaction",
    "save_instrument",
    "save_interaction",
]
