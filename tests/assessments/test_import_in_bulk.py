"""A large import writes in bulk and still follows every rule (DESIGN §5, §7): its query
count does not grow with the number of assessments; it leaves the same answers, history
rows, transition log and stale scores as the one-assessment services called one by one;
and one refusal anywhere in a batch writes nothing."""

import pytest

from assessments import services
from assessments.choices import State
from assessments.exchange.importer import import_responses
from assessments.models import (
    Answer,
    Assessment,
    AssessmentScore,
    ConsolidatedScore,
    TransitionLog,
)
from assessments.services import AnswerInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

HEADER = "country,cycle,actor,indicator,value,evidence"
ACTORS = ["PHL-DMW", "PHL-DOH", "PHL-NAGA", "MDA-BMA", "CHE-SEM"]


def keys(n: int) -> list[tuple[str, int, str]]:
    """n distinct (country, cycle, actor): five actors of three countries, a cycle per five."""
    return [(ACTORS[i % 5][:3], 2020 + i // 5, ACTORS[i % 5]) for i in range(n)]


def responses(n: int, share: int = 12) -> bytes:
    """A file of n assessments, three answers each; `share` sets V-INT-01."""
    lines = [HEADER]
    for i, (country, cycle, actor) in enumerate(keys(n)):
        lines += [
            f"{country},{cycle},{actor},H-INS-01,yes,Law {i}",
            f"{country},{cycle},{actor},H-DIA-01,n/a,",
            f"{country},{cycle},{actor},V-INT-01,{share + i % 7},survey",
        ]
    return ("\n".join(lines) + "\n").encode()


# --- Queries do not grow with the file ----------------------------------------------------

# Read and check the file (8), then create, save, submit and validate, each in its own
# savepoint: a fixed number of queries whatever the number of assessments. (SQLite splits
# a bulk insert by its limit of 999 parameters: 30 assessments' history rows take two.)
# Submitting clears the flags of the stock-taking's instruments and interactions too (2).
MAX_QUERIES = {"draft": 29, "validated": 46}


@pytest.mark.parametrize("status", ["draft", "validated"])
@pytest.mark.parametrize("n", [3, 30])
def test_a_first_import_costs_the_same_queries_for_3_or_30_assessments(
    catalogue, importer, django_assert_max_num_queries, n, status
):
    with django_assert_max_num_queries(MAX_QUERIES[status]):
        result = import_responses(responses(n), filename="r.csv", status=status)

    assert (result.assessments_created, result.answers_changed) == (n, 3 * n)
    assert result.transitions == (2 * n if status == "validated" else 0)
    assert Assessment.objects.filter(state=status).count() == n
    assert Answer.objects.count() == 3 * n
    assert Answer.history.filter(history_type="+").count() == 3 * n
    # One recompute per assessment and one per (country, cycle), queued for the commit.
    batch = services._batch()
    assert batch.assessments == set(Assessment.objects.values_list("id", flat=True))
    expected_pairs = {(c, y) for c, y, _a in keys(n)} if status == "validated" else set()
    assert batch.consolidations == expected_pairs


@pytest.mark.parametrize("n", [3, 30])
def test_changing_answers_of_many_drafts_costs_the_same_queries(
    catalogue, importer, django_assert_max_num_queries, n
):
    import_responses(responses(n), filename="r.csv")

    with django_assert_max_num_queries(MAX_QUERIES["draft"]):
        result = import_responses(responses(n, share=50), filename="r.csv")

    assert (result.assessments_changed, result.answers_changed) == (n, n)
    assert Answer.history.filter(history_type="~").count() == n
    assert set(Assessment.objects.values_list("version", flat=True)) == {3}


# --- The bulk path leaves what the single path leaves --------------------------------------


def by_services(catalogue, importer, rows: list[tuple], cycle: int, status: str) -> None:
    """What the import does, one assessment and one call at a time."""
    plans: dict[str, dict[str, AnswerInput]] = {}
    for actor, code, value, na, evidence in rows:
        plans.setdefault(actor, {})[code] = AnswerInput(value=value, na=na, evidence=evidence)
    for actor, answers in plans.items():
        assessment = Assessment.objects.filter(actor__code=actor, cycle=cycle).first()
        if assessment is None:
            assessment = services.create_assessment(
                actor=catalogue["actors"][actor], cycle=cycle, by=importer
            )
        services.save_answers(assessment, by=importer, version=assessment.version, answers=answers)
        if status == State.VALIDATED:
            assessment = services.submit(assessment, by=importer)
            services.validate(assessment, by=importer)


def by_import(rows: list[tuple], cycle: int, status: str) -> None:
    lines = [HEADER]
    for actor, code, value, na, evidence in rows:
        text = "n/a" if na else ("" if value is None else f"{value:g}")
        lines.append(f'{actor[:3]},{cycle},{actor},{code},{text},"{evidence}"')
    import_responses(("\n".join(lines) + "\n").encode(), filename="r.csv", status=status)


def _before_after(record) -> tuple | None:
    """(field, before, after) of each change, as the history page shows them."""
    if record.prev_record is None:
        return None
    delta = record.diff_against(record.prev_record, excluded_fields=["updated_at"])
    return tuple(sorted((c.field, c.old, c.new) for c in delta.changes))


def written(cycle: int) -> dict:
    """Everything both paths write for a cycle, keyed by what a user reads, not by ids."""
    assessments = Assessment.objects.filter(cycle=cycle)
    return {
        "assessments": sorted(
            assessments.values_list("actor__code", "state", "version", "perspective", "framework")
        ),
        "answers": sorted(
            Answer.objects.filter(assessment__cycle=cycle).values_list(
                "assessment__actor__code",
                "indicator__code",
                "value",
                "na",
                "evidence",
                "instruments",
                "flagged",
                "flag_comment",
                "revision",
                "updated_by__username",
            )
        ),
        "history": sorted(
            (
                h.assessment.actor.code,
                h.indicator.code,
                h.history_type,
                h.history_user.username,
                h.history_change_reason,
                h.value,
                h.na,
                h.evidence,
                h.instruments,
                h.revision,
                h.updated_by.username,
                # before → after, as the history page shows it
                _before_after(h),
            )
            for h in Answer.history.filter(assessment__cycle=cycle).order_by("history_id")
        ),
        "log": sorted(
            TransitionLog.objects.filter(assessment__cycle=cycle).values_list(
                "assessment__actor__code",
                "action",
                "from_state",
                "to_state",
                "by__username",
                "reason",
                "indicators",
            )
        ),
        "scores": sorted(
            AssessmentScore.objects.filter(assessment__cycle=cycle).values_list(
                "assessment__actor__code", "stale", "framework"
            )
        ),
        "consolidations": sorted(
            ConsolidatedScore.objects.filter(cycle=cycle).values_list(
                "country", "stale", "framework"
            )
        ),
    }


FIRST = [
    ("PHL-DMW", "H-INS-01", 1.0, False, "Law 1"),
    ("PHL-DMW", "H-DIA-01", None, True, ""),
    ("PHL-DMW", "V-INT-01", 12.5, False, ""),
    ("PHL-DOH", "H-INS-01", 0.0, False, "Decree"),
    ("PHL-DOH", "V-BIL-01", None, False, "asked the ministry"),
    ("MDA-BMA", "V-INT-01", 40.0, False, "survey"),
]
SECOND = [
    ("PHL-DMW", "H-INS-01", 1.0, False, "Law 1, art. 3"),  # evidence only
    ("PHL-DMW", "V-INT-01", 20.0, False, ""),  # value
    ("PHL-DOH", "V-BIL-01", 5.0, False, "asked the ministry"),  # a note gains a value
    ("MDA-BMA", "H-INS-01", 1.0, False, ""),  # a new answer of an existing assessment
]


def test_the_import_writes_what_the_services_write_one_by_one(catalogue, importer):
    by_services(catalogue, importer, FIRST, 2026, State.DRAFT)
    by_services(catalogue, importer, SECOND, 2026, State.VALIDATED)
    by_import(FIRST, 2027, State.DRAFT)
    by_import(SECOND, 2027, State.VALIDATED)

    one_by_one, in_bulk = written(2026), written(2027)

    assert in_bulk == one_by_one
    # and that is what a user expects: +, then ~ with the before and after kept
    history = [h for h in in_bulk["history"] if h[:2] == ("PHL-DMW", "V-INT-01")]
    assert [(h[2], h[3], h[5]) for h in history] == [("+", "importer", 12.5), ("~", "importer", 20)]
    assert ("value", 12.5, 20.0) in history[1][-1]
    assert [row[1:4] for row in in_bulk["log"] if row[0] == "MDA-BMA"] == [
        ("submit", State.DRAFT, State.SUBMITTED),
        ("validate", State.SUBMITTED, State.VALIDATED),
    ]
    assert {row[:2] for row in in_bulk["consolidations"]} == {("PHL", True), ("MDA", True)}


def test_a_history_row_is_the_one_simple_history_writes_on_save(assessment, users):
    """The bulk writer's history row matches the record simple_history makes itself when an
    answer is saved through the ORM: every field, the type, the user, no change reason."""
    services.save_answers(
        assessment,
        by=users["focal_phl"],
        version=1,
        answers={"H-INS-01": AnswerInput(value=1, evidence="Law", instruments=["PHL-LMP"])},
    )
    ours = Answer.history.get()
    answer = Answer.objects.get()
    assert ours.updated_at == answer.updated_at
    answer._history_user = users["focal_phl"]
    answer.save()  # simple_history's post_save record, an oracle for ours
    theirs = Answer.history.exclude(pk=ours.pk).get()

    fields = [f.attname for f in Answer.history.model.tracked_fields]
    assert set(fields) == set(services.ANSWER_FIELDS)
    assert {f: getattr(ours, f) for f in fields if f != "updated_at"} == {
        f: getattr(theirs, f) for f in fields if f != "updated_at"
    }
    assert (ours.history_type, ours.history_user, ours.history_change_reason) == (
        "+",
        users["focal_phl"],
        None,
    )
    assert theirs.history_user == ours.history_user


def test_every_column_of_an_answer_reaches_its_history():
    columns = {f.attname for f in Answer._meta.concrete_fields}
    assert set(services.ANSWER_FIELDS) == columns


# --- One refusal refuses the whole batch ----------------------------------------------------


@pytest.fixture
def drafts(catalogue, importer) -> list[Assessment]:
    return services.create_assessments(
        [
            services.NewAssessment(catalogue["actors"][code], 2026)
            for code in ("PHL-DMW", "PHL-DOH", "MDA-BMA")
        ],
        by=importer,
    )


def snapshot() -> tuple:
    return (
        list(Assessment.objects.values_list("id", "state", "version")),
        Answer.objects.count(),
        Answer.history.count(),
        TransitionLog.objects.count(),
    )


def test_creating_many_keeps_one_framework_per_country_and_cycle(drafts):
    assert [a.framework.code for a in drafts] == ["2026.1"] * 3
    assert [a.pk for a in drafts] == sorted(a.pk for a in drafts)
    assert AssessmentScore.objects.filter(stale=True).count() == 3


def test_a_second_assessment_of_the_same_actor_in_one_batch_is_refused(catalogue, importer):
    actor = catalogue["actors"]["PHL-DMW"]
    with pytest.raises(services.WorkflowError) as refused:
        services.create_assessments(
            [services.NewAssessment(actor, 2026), services.NewAssessment(actor, 2026)], by=importer
        )
    assert refused.value.index == 1
    assert "already has an assessment" in refused.value.message
    assert not Assessment.objects.exists()


def test_a_bad_answer_in_one_assessment_saves_none(drafts, importer):
    before = snapshot()
    with pytest.raises(services.AnswersRefused) as refused:
        services.save_answers_many(
            [
                (drafts[0], 1, {"H-INS-01": AnswerInput(value=1)}),
                (drafts[1], 1, {"V-BIL-01": AnswerInput(value=3)}),  # not 0, 5 or 10
                (drafts[2], 1, {"H-INS-01": AnswerInput(value=0)}),
            ],
            by=importer,
        )
    assert refused.value.index == 1
    assert set(refused.value.details) == {"V-BIL-01"}
    assert snapshot() == before


def test_a_stale_version_in_one_assessment_saves_none(drafts, importer):
    before = snapshot()
    with pytest.raises(services.Conflict) as refused:
        services.save_answers_many(
            [
                (drafts[0], 1, {"H-INS-01": AnswerInput(value=1)}),
                (drafts[2], 7, {"H-INS-01": AnswerInput(value=0)}),
            ],
            by=importer,
        )
    assert (refused.value.index, refused.value.details["version"]) == (1, 1)
    assert snapshot() == before


def test_one_assessment_in_the_wrong_state_moves_none(drafts, importer):
    services.submit(drafts[1], by=importer)
    before = snapshot()
    with pytest.raises(services.TransitionRefused) as refused:
        services.transition_many(drafts, "submit", by=importer)
    assert refused.value.index == 1
    assert refused.value.message == (
        "Cannot submit an assessment that is submitted: only from draft or returned."
    )
    assert snapshot() == before


def test_transitions_in_bulk_move_log_and_return_each(drafts, importer):
    moved = services.transition_many(drafts, "submit", by=importer)

    assert [(a.pk, a.state, a.version) for a in moved] == [
        (a.pk, State.SUBMITTED, 2) for a in drafts
    ]
    assert list(Assessment.objects.values_list("state", "version")) == [(State.SUBMITTED, 2)] * 3
    assert list(TransitionLog.objects.values_list("assessment", "from_state", "by")) == [
        (a.pk, State.DRAFT, importer.pk) for a in drafts
    ]
