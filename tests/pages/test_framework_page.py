"""`/assessments/framework/`: the current framework's indicators with their crosswalk tags,
in the reader's language, filterable by one tag (exact match); sign-in required."""

import pytest

from assessments.models import Indicator


@pytest.fixture
def tagged(catalogue):
    Indicator.objects.filter(code="H-INS-01").update(crosswalk=["GCM-4", "SDG-10.7"])
    Indicator.objects.filter(code="V-BIL-01").update(crosswalk=["GCM-4", "SDG-10.7.2-D3"])
    Indicator.objects.filter(code="H-LAB-01").update(crosswalk=["GCM-40"])
    return catalogue


@pytest.fixture
def signed_in(client, users, tagged):
    client.force_login(users["focal_phl"])
    return client


def codes(response) -> list[str]:
    return [row["code"] for row in response.context["rows"]]


def test_every_indicator_with_its_tags(signed_in, tagged):
    response = signed_in.get("/assessments/framework/")
    assert response.status_code == 200
    assert sorted(codes(response)) == sorted(tagged["indicators"])
    row = next(r for r in response.context["rows"] if r["code"] == "V-BIL-01")
    assert [t["code"] for t in row["tags"]] == ["GCM-4", "SDG-10.7.2-D3"]
    content = response.content.decode()
    assert 'href="?crosswalk=SDG-10.7.2-D3"' in content
    assert 'title="Legal identity and adequate documentation"' in content
    # the tag filter offers the scored tags in their order, then the others
    assert [code for code, _name in response.context["tags"]] == [
        "GCM-4",
        "SDG-10.7.2-D3",
        "GCM-40",
        "SDG-10.7",
    ]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("GCM-4", ["H-INS-01", "V-BIL-01"]),  # exact: not GCM-40
        ("SDG-10.7", ["H-INS-01"]),
        ("MGI-D6", []),
    ],
)
def test_the_crosswalk_filter(signed_in, tag, expected):
    response = signed_in.get("/assessments/framework/", {"crosswalk": tag})
    assert response.status_code == 200
    assert sorted(codes(response)) == expected
    if not expected:
        assert "No indicator carries this tag." in response.content.decode()


def test_a_malformed_tag_is_a_400(signed_in):
    response = signed_in.get("/assessments/framework/", {"crosswalk": "<b>x"})
    assert response.status_code == 400
    assert "Unknown crosswalk tag" in response.content.decode()


def test_questions_in_the_readers_language(signed_in, tagged):
    Indicator.objects.filter(code="H-INS-01").update(question_fr="Question en français ?")
    response = signed_in.get(
        "/assessments/framework/", {"crosswalk": "SDG-10.7"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.context["rows"][0]["question"] == "Question en français ?"


def test_sign_in_required(client, tagged):
    response = client.get("/assessments/framework/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_query_count_is_pinned(signed_in, django_assert_max_num_queries):
    signed_in.get("/assessments/framework/")  # warm the session's user and role
    # the session, its user, the current version, its indicators with areas, the role (nav)
    with django_assert_max_num_queries(5):
        response = signed_in.get("/assessments/framework/", {"crosswalk": "GCM-4"})
    assert response.status_code == 200
