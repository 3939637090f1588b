"""The discussion through the API: an answer's comments listed (paginated, reading marks
them read) and posted, one's own edited within 15 minutes, unread counts on assessments;
bad bodies refused with nothing stored; pinned query counts. Who may call what is in the
MATRIX of test_api_base."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import discussion
from assessments.models import Comment
from tests.api.conftest import assert_error, client_for

API = "/api/v1/assessments/"


def thread(assessment, code="H-INS-01") -> str:
    return f"{API}{assessment.pk}/answers/{code}/comments/"


@pytest.fixture
def submitted(world):
    return world["submitted"]


def test_list_post_and_read(world, users, submitted):
    focal, reviewer = client_for(users["focal_phl_health"]), client_for(users["reviewer"])
    mine = {a["id"]: a for a in focal.get(API).json()["results"]}
    assert mine[submitted.pk]["unread_comments"] == 1  # the world's reviewer comment
    body = focal.get(thread(submitted)).json()
    assert body["count"] == 1
    first = body["results"][0]
    assert set(first) == {
        "id",
        "indicator",
        "author",
        "by_reviewer",
        "body",
        "created_at",
        "edited_at",
        "editable_until",
    }
    assert (first["author"], first["by_reviewer"], first["body"]) == ("cochair", True, "Which?")
    # Reading the thread marked it read.
    assert focal.get(f"{API}{submitted.pk}/").json()["unread_comments"] == 0
    posted = focal.post(thread(submitted), {"body": "Decree 12, 2024."}, format="json")
    assert posted.status_code == 201
    assert posted.json()["by_reviewer"] is False
    # The reviewer has the reply to read, not its own comment.
    assert reviewer.get(f"{API}{submitted.pk}/").json()["unread_comments"] == 1
    assert client_for(users["reviewer_phl"]).get(API).json()["results"][0]["unread_comments"] == 2


def test_other_actor_of_the_same_country_is_404(world, users, submitted):
    other = client_for(users["focal_phl"])  # the DMW; the assessment is the DOH's
    assert_error(other.get(thread(submitted)), 404)
    assert_error(other.post(thread(submitted), {"body": "Hello"}, format="json"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({}, "body"),
        ({"body": 12}, "body"),
        ({"body": "ok", "author": "someone"}, "author"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_stored(world, users, submitted, body, field):
    before = Comment.objects.count()
    response = client_for(users["reviewer"]).post(thread(submitted), body, format="json")
    error = assert_error(response, 400)
    assert field in error["details"] or field in error["message"]
    assert Comment.objects.count() == before


def test_a_one_megabyte_comment_is_refused_clearly(world, users, submitted):
    before = Comment.objects.count()
    response = client_for(users["reviewer"]).post(
        thread(submitted), {"body": "x" * 1_048_576}, format="json"
    )
    error = assert_error(response, 400, "comment_refused")
    assert Comment.objects.count() == before
    assert error["message"] == (
        "A comment has at most 5,000 characters; this one has 1,048,576. Nothing was saved."
    )


def test_a_body_past_the_request_limit_is_refused(world, users, submitted, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    before = Comment.objects.count()
    response = client_for(users["reviewer"]).post(
        thread(submitted), {"body": "x" * 1_100_000}, format="json"
    )
    assert 400 <= response.status_code < 500 and response.status_code != 404
    assert response.json()["error"]["message"]
    assert Comment.objects.count() == before


def test_a_comment_just_past_the_limit_is_refused_with_its_length(world, users, submitted):
    response = client_for(users["reviewer"]).post(
        thread(submitted), {"body": "x" * 5001}, format="json"
    )
    error = assert_error(response, 400, "comment_refused")
    assert error["message"] == (
        "A comment has at most 5,000 characters; this one has 5,001. Nothing was saved."
    )
    assert error["details"]["length"] == 5001


def test_the_edit_window_and_history(world, users, submitted):
    reviewer = client_for(users["reviewer"])
    comment = world["comment"]
    url = f"{thread(submitted)}{comment.pk}/"
    edited = reviewer.patch(url, {"body": "Which decree?"}, format="json")
    assert edited.status_code == 200 and edited.json()["edited_at"] is not None
    assert_error(client_for(users["reviewer_phl"]).patch(url, {"body": "x"}, format="json"), 403)
    assert_error(
        reviewer.patch(
            f"{thread(submitted, 'H-LAB-01')}{comment.pk}/", {"body": "x"}, format="json"
        ),
        404,
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    late = reviewer.patch(url, {"body": "Changed my mind"}, format="json")
    assert_error(late, 409, "comment_refused")
    comment.refresh_from_db()
    assert comment.body == "Which decree?"
    assert list(comment.history.order_by("history_date").values_list("body", flat=True)) == [
        "Which?",
        "Which decree?",
    ]


def test_an_unknown_indicator_is_404(world, users, submitted):
    assert_error(client_for(users["reviewer"]).get(thread(submitted, "Z-NONE-1")), 404)


def test_a_thread_is_paginated_and_its_queries_pinned(
    world, users, submitted, django_assert_max_num_queries
):
    for n in range(60):
        discussion.post_comment(
            submitted, by=users["focal_phl_health"], indicator="H-INS-01", body=f"n{n}"
        )
    reviewer = client_for(users["reviewer"])
    reviewer.get("/api/v1/levels/")  # warm the token
    # The assessment, the indicator, count, page, then the read marker (find, update).
    with django_assert_max_num_queries(8):
        body = reviewer.get(thread(submitted) + "?page_size=100").json()
    assert body["count"] == 61 and len(body["results"]) == 61
    with django_assert_max_num_queries(3):
        listed = reviewer.get(API + "?page_size=100").json()
    assert {a["id"]: a["unread_comments"] for a in listed["results"]}[submitted.pk] == 0
