"""The demo data of DESIGN §8: users for the demo actors and their assessments in every
state, with plausible generated answers. Idempotent: what exists is left as it is."""

import hashlib
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from actors.models import Actor, Membership
from assessments import catalogue, recompute, services
from assessments.choices import State
from assessments.models import Assessment
from assessments.stocktake import demo as stocktake
from assessments.values import InvalidValue, parse_value
from coherence.choices import AnswerType, Role
from instruments.models import Instrument

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 — documented demo password, DEBUG only


def _rng(*parts) -> random.Random:
    seed = int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:12], 16)
    return random.Random(seed)


def generated_value(indicator, strength: float, rng: random.Random, state: str):
    """A plausible answer leaning to `strength` (0..1); drafts leave more unanswered."""
    if rng.random() < (0.3 if state == State.DRAFT else 0.05):
        return None, False
    if indicator.allow_na and rng.random() < 0.06:
        return None, True
    level = min(1.0, max(0.0, rng.gauss(strength, 0.22)))
    if indicator.answer_type == AnswerType.YES_NO:
        return (1.0 if rng.random() < strength else 0.0), False
    if indicator.answer_type == AnswerType.THREE_LEVEL:
        return float(min((0, 5, 10), key=lambda v: abs(v / 10 - level))), False
    if indicator.answer_type == AnswerType.SCALE:
        return float(round(level * 4)), False
    return float(round(level * 100)), False


def _users(records, report: list[str]) -> dict[str, object]:
    User = get_user_model()
    users = {}
    for record in records:
        user, created = User.objects.get_or_create(
            username=record["username"],
            defaults={"email": f"{record['username']}@example.org"},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        role = record["role"]
        if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        actor = Actor.objects.get(code=record["actor"]) if record.get("actor") else None
        Membership.objects.update_or_create(
            user=user,
            defaults={"role": role, "actor": actor, "government_id": record.get("government")},
        )
        users[record["username"]] = user
        if created:
            report.append(f"user {user.username}")
    return users


def _assessment(record, users, instruments_by_country, report, stock) -> None:
    actor = Actor.objects.get(code=record["actor"])
    if Assessment.objects.filter(
        country_id=record["country"], cycle=record["cycle"], actor=actor
    ).exists():
        return
    focal = (
        next(
            (
                u
                for u in users.values()
                if getattr(getattr(u, "membership", None), "actor_id", None) == actor.pk
            ),
            None,
        )
        or services.importer_user()
    )
    reviewer = next(
        u
        for u in users.values()
        if u.membership.role == Role.REVIEWER and u.membership.government_id is None
    )
    assessment = services.create_assessment(
        actor=actor, cycle=record["cycle"], by=focal, perspective=record.get("perspective", "both")
    )
    state = record["state"]
    rng = _rng(record["country"], record["cycle"], actor.code)
    indicators = list(assessment.framework.indicators.all())
    written = {a["indicator"]: a for a in record.get("answers") or []}
    own = instruments_by_country.get(record["country"], [])
    answers = {}
    for indicator in indicators:
        if not indicator.in_scope(assessment.perspective):
            continue
        hand = written.get(indicator.code)
        if hand is not None:
            try:
                value, na = parse_value(
                    indicator.answer_type, indicator.allow_na, str(hand["value"])
                )
            except InvalidValue as exc:
                raise services.WorkflowError(f"demo.yaml {indicator.code}: {exc}") from None
            answers[indicator.code] = services.AnswerInput(
                value=value,
                na=na,
                evidence=hand.get("evidence", ""),
                instruments=hand.get("instruments") or [],
            )
            continue
        value, na = generated_value(indicator, record.get("strength", 0.5), rng, state)
        if value is None and not na:
            continue
        linked = [i for i in own if indicator.area_id in i[2]][:2]
        evidence = ""
        if value is not None and linked:
            evidence = f"{actor.name}: see {linked[0][1]}."
        answers[indicator.code] = services.AnswerInput(
            value=value, na=na, evidence=evidence, instruments=[code for code, _, _ in linked]
        )
    services.save_answers(assessment, by=focal, version=assessment.version, answers=answers)
    stocktake.take_stock(
        assessment, stock.get((record["country"], record["cycle"], actor.code)), focal
    )
    if state in (State.SUBMITTED, State.VALIDATED, State.RETURNED):
        services.submit(assessment, by=focal)
    if state == State.VALIDATED:
        services.validate(assessment, by=reviewer)
    if state == State.RETURNED:
        returned = record.get("returned") or {}
        services.return_for_correction(
            assessment,
            by=reviewer,
            reason=returned.get("reason", "Please complete."),
            indicators=returned.get("indicators") or None,
        )
    report.append(f"assessment {record['country']} {record['cycle']} {actor.code} ({state})")


def setup(directory=catalogue.FIXTURES) -> list[str]:
    data = catalogue.read(directory, "demo.yaml")
    report: list[str] = []
    with transaction.atomic():
        users = _users(data["users"], report)
        instruments_by_country: dict[str, list] = {}
        for instrument in Instrument.objects.prefetch_related("countries", "areas"):
            entry = (instrument.code, instrument.name, {a.code for a in instrument.areas.all()})
            for country in instrument.countries.all():
                instruments_by_country.setdefault(country.iso3, []).append(entry)
        stock = stocktake.demo_stock(directory)
        for record in data["assessments"]:
            _assessment(record, users, instruments_by_country, report, stock)
        if report:
            transaction.on_commit(recompute.recompute_all)
    return report
