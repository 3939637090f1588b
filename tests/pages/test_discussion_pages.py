"""The discussion on the assessment's page: each role × state posting, editing and marking
read (404 for what a user may not see, nothing written on a refusal), the thread beside its
answer, escaped, working as plain form posts; unread counts on the start page, the queue
and each answer; pinned query counts."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import discussion, services
from assessments.models import Comment, CommentRead
from tests.pages.conftest import bring_to
from tests.pages.test_permission_matrix import ROLES

pytestmark = pytest.mark.django_db

CODE = "H-INS-01"


def post_url(assessment, code=CODE):
    return reverse("assessments:comment", args=[assessment.pk, code])


def back_to(assessment, code=CODE):
    return reverse("assessments:detail", args=[assessment.pk]) + (
        f"?discussion={code}#discussion-{code}"
    )


def expected_post(role: str, state: str) -> str:
    if role == "anonymous":
        return "login"
    if role in ("focal_phl_health", "focal_mda", "partner"):
        return 404
    if role.startswith("reviewer") and state == "draft":
        return 404
    if state == "draft":
        return "refused"
    return "written"


def outcome(response, written: bool):
    if response.status_code == 404:
        return 404
    assert response.status_code == 302, response.status_code
    if response.url.startswith("/accounts/login/"):
        return "login"
    return "written" if written else "refused"


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
@pytest.mark.parametrize("role", ROLES)
def test_who_posts_on_which_state(client_of, assessment, users, role, state):
    assessment = bring_to(assessment, state, users)
    response = client_of(role).post(post_url(assessment), {f"say-{CODE}": "Which decree?"})
    written = Comment.objects.filter(assessment=assessment).exists()
    assert outcome(response, written) == expected_post(role, state)
    if written:
        assert response.url == back_to(assessment)  # the user stays at the answer


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_thread_and_marks_it_read(client_of, assessment, users, role):
    submitted = bring_to(assessment, "submitted", users)
    discussion.post_comment(submitted, by=users["reviewer"], indicator=CODE, body="Sees it?")
    page = client_of(role).get(reverse("assessments:detail", args=[submitted.pk]))
    read = client_of(role).post(reverse("assessments:comments_read", args=[submitted.pk, CODE]))
    if role in ("focal_phl", "reviewer", "reviewer_phl"):
        assert page.status_code == 200 and "Sees it?" in page.content.decode()
        assert read.status_code == 302 and read.url == back_to(submitted)
    elif role == "anonymous":
        assert page.status_code == read.status_code == 302
    else:
        assert page.status_code == read.status_code == 404
        assert not CommentRead.objects.filter(user=users[role]).exists()


def test_a_draft_shows_no_discussion(client_of, assessment):
    html = client_of("focal_phl").get(reverse("assessments:detail", args=[assessment.pk]))
    assert 'id="discussion-form"' not in html.content.decode()
    assert "data-discussion" not in html.content.decode()


@pytest.fixture
def submitted(assessment, users):
    return bring_to(assessment, "submitted", users)


def test_a_comment_is_shown_escaped_with_safe_links(client_of, submitted, users):
    client = client_of("reviewer")
    body = '<script>alert("x")</script> see https://example.org/a and javascript:alert(1)'
    client.post(post_url(submitted), {f"say-{CODE}": body})
    html = client_of("focal_phl").get(back_to(submitted)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert (
        '<a href="https://example.org/a" rel="nofollow noopener noreferrer">'
        "https://example.org/a</a>"
    ) in html
    assert 'href="javascript' not in html


class FormNesting(HTMLParser):
    """Which form each named control belongs to, as a browser decides: its `form`
    attribute, else the form around it; and whether forms nest."""

    def __init__(self):
        super().__init__()
        self.open_forms: list[str] = []
        self.nested = []
        self.owner: dict[str, str] = {}
        self.csrf: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if self.open_forms:
                self.nested.append(a.get("id"))
            self.open_forms.append(a.get("id") or "")
        elif tag in ("textarea", "button", "input") and (a.get("name") or a.get("formaction")):
            owner = a.get("form") or (self.open_forms[-1] if self.open_forms else None)
            self.owner[a.get("name") or a["formaction"]] = owner
            if a.get("name") == "csrfmiddlewaretoken":
                self.csrf.add(owner)

    def handle_endtag(self, tag):
        if tag == "form" and self.open_forms:
            self.open_forms.pop()


@pytest.mark.parametrize(("role", "state"), [("reviewer", "submitted"), ("focal_phl", "returned")])
def test_the_thread_posts_through_its_own_form_without_javascript(
    client_of, assessment, users, role, state
):
    """Inside the reviewer's return form and the focal point's fill-in form alike, the
    comment box belongs to the page's one discussion form (forms may not nest), which
    carries the CSRF token; the button posts to the answer's own address."""
    assessment = bring_to(assessment, state, users)
    # The link back from a comment opens the fill-in page at the section holding it.
    url = reverse("assessments:detail", args=[assessment.pk]) + f"?discussion={CODE}"
    html = client_of(role).get(url)
    parser = FormNesting()
    parser.feed(html.content.decode())
    assert parser.nested == []
    assert parser.owner[f"say-{CODE}"] == "discussion-form"
    assert parser.owner[post_url(assessment)] == "discussion-form"
    assert "discussion-form" in parser.csrf
    # What the browser sends: that form's fields, the button's formaction.
    response = client_of(role).post(post_url(assessment), {f"say-{CODE}": "Via the page."})
    assert response.status_code == 302
    assert Comment.objects.get().body == "Via the page."


def test_a_refused_comment_says_why_and_stores_nothing(client_of, submitted):
    client = client_of("reviewer")
    response = client.post(post_url(submitted), {f"say-{CODE}": "x" * 1_048_576}, follow=True)
    assert Comment.objects.count() == 0
    assert "A comment has at most 5,000 characters; this one has 1,048,576." in (
        response.content.decode()
    )
    response = client.post(post_url(submitted), {f"say-{CODE}": "  "}, follow=True)
    assert "The comment is empty" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_body_past_the_request_limit_is_refused(client_of, submitted, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
    response = client_of("reviewer").post(post_url(submitted), {f"say-{CODE}": "x" * 1_100_000})
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_an_unknown_indicator_is_404(client_of, submitted):
    response = client_of("reviewer").post(post_url(submitted, "Z-NONE-9"), {"say-Z-NONE-9": "x"})
    assert response.status_code == 404


def test_the_author_edits_on_the_page_within_15_minutes(client_of, submitted, users):
    client = client_of("focal_phl")
    client.post(post_url(submitted), {f"say-{CODE}": "Executive Order 2024-21"})
    comment = Comment.objects.get()
    edit_url = reverse("assessments:comment_edit", args=[submitted.pk, CODE, comment.pk])
    html = client.get(back_to(submitted)).content.decode()
    assert f'id="edit-{comment.pk}"' in html
    assert (
        client.post(edit_url, {f"edit-{comment.pk}": "Executive Order 2024-12"}).status_code == 302
    )
    # Someone else may not, nor on another answer's address.
    client_of("reviewer").post(edit_url, {f"edit-{comment.pk}": "Hijacked"})
    other = reverse("assessments:comment_edit", args=[submitted.pk, "H-LAB-01", comment.pk])
    assert client.post(other, {f"edit-{comment.pk}": "Elsewhere"}).status_code == 404
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    late = client.post(edit_url, {f"edit-{comment.pk}": "Too late"}, follow=True)
    assert "this one is fixed" in late.content.decode()
    assert f'id="edit-{comment.pk}"' not in late.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Executive Order 2024-12"
    assert [h.body for h in comment.history.order_by("history_date")] == [
        "Executive Order 2024-21",
        "Executive Order 2024-12",
    ]


def edited_twice(submitted, users):
    comment = discussion.post_comment(
        submitted, by=users["focal_phl"], indicator=CODE, body="Executive Order 2024-21"
    )
    for text in ("Executive Order 2024-12", "Executive Order 2024-12, section 3"):
        discussion.edit_comment(submitted, by=users["focal_phl"], comment_id=comment.pk, body=text)
    comment.refresh_from_db()
    return comment


class Versions(HTMLParser):
    """The disclosure of one comment's earlier versions: its summary, and each version's
    meta line and text."""

    def __init__(self, comment_id: int):
        super().__init__()
        self.target, self.depth, self.where = f"comment-{comment_id}-versions", 0, None
        self.summary, self.versions = "", []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "details" and a.get("id") == self.target:
            self.depth = 1
        elif self.depth and tag == "details":
            self.depth += 1
        elif self.depth and tag == "summary":
            self.where = "summary"
        elif self.depth and tag == "li":
            self.versions.append(["", ""])
        elif self.depth and tag == "p":
            self.where = "meta"
        elif self.depth and tag == "div":
            self.where = "body"

    def handle_endtag(self, tag):
        if self.depth and tag == "details":
            self.depth -= 1
        elif tag in ("summary", "p", "div"):
            self.where = None

    def handle_data(self, data):
        if self.where == "summary":
            self.summary += data
        elif self.where in ("meta", "body") and self.versions:
            self.versions[-1][0 if self.where == "meta" else 1] += data


def test_an_edited_comment_says_when_and_opens_its_earlier_versions(client_of, submitted, users):
    comment = edited_twice(submitted, users)
    # Spread the three versions over a morning, so each shows its own time.
    at = {n: timezone.now().replace(hour=9, minute=n, second=0, microsecond=0) for n in (1, 5, 9)}
    rows = list(comment.history.order_by("history_date"))
    type(rows[0]).objects.filter(pk=rows[0].pk).update(created_at=at[1])
    type(rows[1]).objects.filter(pk=rows[1].pk).update(created_at=at[1], edited_at=at[5])
    Comment.objects.filter(pk=comment.pk).update(created_at=at[1], edited_at=at[9])

    html = client_of("reviewer").get(back_to(submitted)).content.decode()
    day = at[1].strftime("%Y-%m-%d")
    assert f'edited <time datetime="{at[9].isoformat()}">{day} 09:09</time>' in html
    parser = Versions(comment.pk)
    parser.feed(html)
    assert parser.summary.strip() == "Show the 2 earlier versions"
    assert [(" ".join(meta.split()), body.strip()) for meta, body in parser.versions] == [
        (f"Posted by focal-phl · {day} 09:01", "Executive Order 2024-21"),
        (f"Edited by focal-phl · {day} 09:05", "Executive Order 2024-12"),
    ]
    # The comment itself reads as it does now, once.
    assert html.count("Executive Order 2024-12, section 3") == 1


def test_a_comment_never_edited_has_no_versions(client_of, submitted, users):
    discussion.post_comment(submitted, by=users["reviewer"], indicator=CODE, body="As is.")
    html = client_of("focal_phl").get(back_to(submitted)).content.decode()
    assert "As is." in html
    assert "comment-versions" not in html and "earlier version" not in html


@pytest.mark.parametrize("role", ROLES)
def test_earlier_versions_are_seen_by_who_sees_the_thread(client_of, submitted, users, role):
    edited_twice(submitted, users)
    page = client_of(role).get(reverse("assessments:detail", args=[submitted.pk]))
    if role in ("focal_phl", "reviewer", "reviewer_phl"):
        assert page.status_code == 200
        assert "Executive Order 2024-21" in page.content.decode()
    else:
        assert page.status_code in (302, 404)
        assert b"Executive Order 2024-21" not in page.content


def test_unread_counts_on_the_start_page_the_queue_and_the_answer(client_of, submitted, users):
    reviewer, focal = client_of("reviewer"), client_of("focal_phl")
    reviewer.post(post_url(submitted), {f"say-{CODE}": "One?"})
    reviewer.post(post_url(submitted, "H-LAB-01"), {"say-H-LAB-01": "Two?"})
    assert 'data-unread-comments="2"' in focal.get("/").content.decode()
    html = focal.get(reverse("assessments:detail", args=[submitted.pk])).content.decode()
    assert html.count('<span class="unread-badge" data-unread>1 unread</span>') == 2
    focal.post(reverse("assessments:comments_read", args=[submitted.pk, CODE]))
    assert 'data-unread-comments="1"' in focal.get("/").content.decode()
    focal.post(post_url(submitted, "H-LAB-01"), {"say-H-LAB-01": "Answered."})
    assert "data-unread-comments" not in focal.get("/").content.decode()
    queue = reverse("assessments:queue")
    assert 'data-unread-comments="1"' in reviewer.get(queue).content.decode()
    # The script marks read with a 204.
    read = reviewer.post(
        reverse("assessments:comments_read", args=[submitted.pk, "H-LAB-01"]),
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert read.status_code == 204
    assert "data-unread-comments" not in reviewer.get(queue).content.decode()


def test_pages_do_not_grow_with_comments(
    client_of, catalogue, users, importer, django_assert_max_num_queries
):
    """Start page, queue and the assessment's page: the same number of queries with one
    commented assessment as with twenty, and with one comment as with sixty."""
    from tests.pages.test_query_counts import QUEUE_QUERIES, REVIEW_QUERIES, START_QUERIES

    dmw = catalogue["actors"]["PHL-DMW"]
    made = []
    for n in range(20):
        a = services.create_assessment(actor=dmw, cycle=2000 + n, by=users["focal_phl"])
        made.append(services.submit(a, by=users["focal_phl"]))
        for code in ("H-INS-01", "H-LAB-01", "H-DIA-01"):
            discussion.post_comment(made[-1], by=users["reviewer"], indicator=code, body="?")
    focal, reviewer = client_of("focal_phl"), client_of("reviewer")
    focal.get("/")
    with django_assert_max_num_queries(START_QUERIES):
        html = focal.get("/").content.decode()
    assert html.count('data-unread-comments="3"') == 20
    with django_assert_max_num_queries(QUEUE_QUERIES):
        reviewer.get(reverse("assessments:queue") + "?state=")
    with django_assert_max_num_queries(REVIEW_QUERIES):
        html = focal.get(reverse("assessments:detail", args=[made[0].pk])).content.decode()
    assert html.count("data-discussion") >= 3
    # Edited comments: their earlier versions come in one more query, however many.
    for comment in Comment.objects.filter(assessment=made[0]):
        for text in ("!", "?!"):
            discussion.edit_comment(made[0], by=users["reviewer"], comment_id=comment.pk, body=text)
    with django_assert_max_num_queries(REVIEW_QUERIES + 1):
        html = focal.get(reverse("assessments:detail", args=[made[0].pk])).content.decode()
    assert html.count('class="comment-versions"') == 3
