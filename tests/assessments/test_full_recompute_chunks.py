"""The full recompute, as the worker runs it: chunks of whole country-cycles that give
exactly the scores of the one-transaction run, every score stale from the request until
its chunk has run, and a catch-up that re-queues stale scores whose recompute was lost.
Tasks run in process here; tests/assessments/test_worker_redelivery.py runs them on a
real worker."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.forms.models import model_to_dict

from assessments import catchup, recompute, services, tasks
from assessments.models import (
    Answer,
    AssessmentScore,
    ConsolidatedScore,
    Indicator,
    IndicatorConsolidation,
)
from assessments.services import AnswerInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def validated(catalogue, users, actor, focal, **values):
    assessment = services.create_assessment(
        actor=catalogue["actors"][actor], cycle=2026, by=users[focal]
    )
    services.save_answers(
        assessment,
        by=users[focal],
        version=assessment.version,
        answers={code: AnswerInput(value=v) for code, v in values.items()},
    )
    assessment.refresh_from_db()
    services.submit(assessment, by=users[focal])
    services.validate(assessment, by=users["reviewer"])
    return assessment


@pytest.fixture
def two_countries(catalogue, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phl = validated(catalogue, users, "PHL-DMW", "focal_phl", **{"H-INS-01": 1, "V-SUB-01": 0})
        mda = validated(catalogue, users, "MDA-BMA", "focal_mda", **{"H-INS-01": 0, "H-LAB-01": 10})
        draft = services.create_assessment(
            actor=catalogue["actors"]["PHL-DOH"], cycle=2026, by=users["focal_phl_health"]
        )
    return phl, mda, draft


def stored() -> tuple:
    return (
        sorted(
            AssessmentScore.objects.values_list(
                "assessment_id", "overall", "horizontal", "vertical", "areas", "stale"
            )
        ),
        sorted(
            ConsolidatedScore.objects.values_list(
                "country_id", "cycle", "overall", "divergence", "assessments", "stale"
            )
        ),
        sorted(IndicatorConsolidation.objects.values_list("country_id", "indicator_id", "value")),
    )


def stale_flags() -> list[bool]:
    return [*AssessmentScore.objects.values_list("stale", flat=True)] + [
        *ConsolidatedScore.objects.values_list("stale", flat=True)
    ]


def test_chunks_give_the_scores_of_the_one_transaction_recompute(two_countries):
    recompute.recompute_all()
    whole = stored()
    assert [row[1] for row in whole[1]] == [2026, 2026]  # PHL and MDA consolidated

    chunks, counts = recompute.plan_chunks(size=1)
    assert chunks == [[("MDA", 2026)], [("PHL", 2026)]]
    assert counts == {"assessments": 3, "countries": 2}
    recompute.mark_all_stale()
    for chunk in chunks:
        recompute.recompute_country_cycles(chunk)
    assert stored() == whole

    # Twice gives the same; one chunk holds both country-cycles when they fit.
    assert recompute.plan_chunks()[0] == [[("MDA", 2026), ("PHL", 2026)]]
    assert recompute.recompute_country_cycles([("MDA", 2026), ("PHL", 2026)]) == {
        "assessments": 3,
        "countries": 2,
    }
    assert stored() == whole


def test_a_chunk_drops_the_consolidation_of_a_country_without_validated_assessments(
    two_countries, users
):
    phl, _mda, _draft = two_countries
    recompute.recompute_all()
    services.reopen(phl, by=users["reviewer"], reason="Evidence missing")
    recompute.recompute_country_cycles([("PHL", 2026)])
    assert list(ConsolidatedScore.objects.values_list("country_id", flat=True)) == ["MDA"]
    assert not IndicatorConsolidation.objects.filter(country_id="PHL").exists()


def test_the_task_marks_every_score_stale_then_its_chunks_refresh_them(
    two_countries, django_capture_on_commit_callbacks
):
    recompute.recompute_all()
    fresh = stored()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        counts = tasks.recompute_all(chunk=1)
    assert counts == {"assessments": 3, "countries": 2, "chunks": 2}
    assert stale_flags() == [True] * 5  # 3 assessments, 2 consolidations: all pending
    for callback in queued:
        callback()  # queue the chunks (in process here)
    assert stored() == fresh
    assert stale_flags() == [False] * 5


def test_a_weight_change_in_the_admin_marks_that_versions_scores_stale_until_recomputed(
    client, catalogue, two_countries, django_capture_on_commit_callbacks
):
    phl, _mda, _draft = two_countries
    recompute.recompute_all()
    # PHL: H-INS-01 yes, V-SUB-01 no → horizontal 100, vertical 0, overall 50.
    assert AssessmentScore.objects.get(assessment=phl).overall == 50.0
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-2026")
    client.force_login(admin)
    indicator = Indicator.objects.get(code="H-INS-01", version=catalogue["framework"])
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(indicator).items()
        if not isinstance(v, list | dict)
    }
    data.update(crosswalk=json.dumps(indicator.crosswalk), weight=3)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/admin/assessments/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # Committed with the weight: every score of the version stale, before any worker ran.
    assert stale_flags() == [True] * 5
    with django_capture_on_commit_callbacks(execute=True):  # the worker's run, in process
        for callback in queued:
            callback()
    assert stale_flags() == [False] * 5
    mda = ConsolidatedScore.objects.get(country_id="MDA")
    # MDA: H-INS-01 no (w3), H-LAB-01 10/10 (w1): horizontal = 100 × 1 / 4 = 25.
    assert mda.horizontal == 25.0


def test_the_catch_up_re_queues_a_stale_score_only_after_its_grace(two_countries, monkeypatch):
    cache.delete(catchup.SEEN)
    recompute.recompute_all()
    assert catchup.requeue_stale_scores() == {"stale": 0, "queued": 0}  # nothing to do

    # A change whose recompute was lost (the broker was down when it committed): the
    # answer is stored, the scores say stale, and no task will ever come.
    phl, _mda, _draft = two_countries
    Answer.objects.filter(assessment=phl, indicator__code="H-INS-01").update(value=0)
    services.mark_assessments_stale([phl])

    clock = [1_000_000.0]
    monkeypatch.setattr(catchup.time, "time", lambda: clock[0])
    assert catchup.requeue_stale_scores(60) == {"stale": 1, "queued": 0}  # first seen
    clock[0] += 30
    assert catchup.requeue_stale_scores(60) == {"stale": 1, "queued": 0}  # in its grace
    clock[0] += 31
    assert catchup.requeue_stale_scores(60) == {"stale": 1, "queued": 1}  # ran in process
    assert stale_flags() == [False] * 5
    assert ConsolidatedScore.objects.get(country_id="PHL").overall == 0.0
    assert catchup.requeue_stale_scores(60) == {"stale": 0, "queued": 0}


def test_a_crosswalk_change_in_the_admin_recomputes_the_crosswalk_scores(
    client, catalogue, two_countries, django_capture_on_commit_callbacks
):
    """DESIGN §3, §4: tags may change on a published version; the crosswalk scores follow."""
    recompute.recompute_all()
    assert ConsolidatedScore.objects.get(country_id="PHL").crosswalk == []
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x-2026")
    client.force_login(admin)
    indicator = Indicator.objects.get(code="H-INS-01", version=catalogue["framework"])
    data = {
        k: ("" if v is None else v)
        for k, v in model_to_dict(indicator).items()
        if not isinstance(v, list | dict)
    }
    data.update(crosswalk=json.dumps(["SDG-10.7.2-D2"]))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/admin/assessments/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stale_flags() == [True] * 5
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    # PHL answered H-INS-01 yes: 100, fully meets.
    assert ConsolidatedScore.objects.get(country_id="PHL").crosswalk == [
        {
            "framework": "SDG-10.7.2",
            "code": "SDG-10.7.2-D2",
            "score": 100.0,
            "coverage": 1.0,
            "category": "fully_meets",
        }
    ]
