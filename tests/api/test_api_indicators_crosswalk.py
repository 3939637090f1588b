"""`indicators/?crosswalk=TAG`: the current version's indicators tagged with exactly that tag."""

import pytest

from assessments.models import Indicator
from tests.api.conftest import assert_error, client_for

URL = "/api/v1/indicators/"


@pytest.fixture
def partner(users, catalogue):
    Indicator.objects.filter(code="H-INS-01").update(crosswalk=["GCM-4", "SDG-10.7"])
    Indicator.objects.filter(code="V-BIL-01").update(crosswalk=["GCM-4", "SDG-10.7.2-D3"])
    Indicator.objects.filter(code="H-LAB-01").update(crosswalk=["GCM-40", "SDG-10.7.2-D1"])
    return client_for(users["partner"])


@pytest.mark.parametrize(
    ("tag", "codes"),
    [
        ("GCM-4", ["H-INS-01", "V-BIL-01"]),  # exact: not GCM-40
        ("SDG-10.7", ["H-INS-01"]),  # not SDG-10.7.2-D3
        ("SDG-10.7.2-D3", ["V-BIL-01"]),
        ("GCM-40", ["H-LAB-01"]),
        ("MGI-D6", []),  # well formed, tagged nowhere: an empty list
    ],
)
def test_indicators_filter_by_exact_crosswalk_tag(partner, tag, codes):
    body = partner.get(f"{URL}?crosswalk={tag}").json()
    assert [i["code"] for i in body["results"]] == codes
    assert body["count"] == len(codes)
    assert all(tag in i["crosswalk"] for i in body["results"])


def test_the_filter_combines_with_the_others(partner):
    body = partner.get(f"{URL}?crosswalk=GCM-4&coherence_type=vertical").json()
    assert [i["code"] for i in body["results"]] == ["V-BIL-01"]


@pytest.mark.parametrize("tag", ["gcm 4", "GCM", "<b>", "GCM-4;DROP", "G-1-2-3-4-5"])
def test_a_malformed_tag_is_a_400_naming_the_parameter(partner, tag):
    error = assert_error(partner.get(URL, {"crosswalk": tag}), 400)
    assert "crosswalk" in error["details"]
