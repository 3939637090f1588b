"""A token stops working the moment its user is deactivated, however that happens — a bulk
UPDATE sends no signal — while a warm token still costs no query."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from tests.api.conftest import assert_error, client_for

LEVELS = "/api/v1/levels/"


@pytest.fixture
def partner(users):
    client = client_for(users["partner"])
    assert client.get(LEVELS).status_code == 200  # the token is now cached
    return client


def test_a_bulk_deactivated_user_is_refused_at_once(users, partner):
    get_user_model().objects.filter(pk=users["partner"].pk).update(is_active=False)
    assert_error(partner.get(LEVELS), 401, "authentication_failed")


def test_a_deactivation_in_raw_sql_through_django_is_refused_at_once(users, partner):
    table = connection.ops.quote_name(get_user_model()._meta.db_table)
    sql = f"UPDATE {table} SET is_active = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [False, users["partner"].pk])
    assert_error(partner.get(LEVELS), 401, "authentication_failed")


def test_a_deactivation_inside_a_transaction_is_refused_once_committed(users, partner):
    with transaction.atomic():
        get_user_model().objects.filter(username="psa").update(is_active=False)
        assert partner.get(LEVELS).status_code == 200  # not committed: the user still stands
        get_user_model().objects.filter(pk=users["partner"].pk).update(is_active=False)
    assert_error(partner.get(LEVELS), 401, "authentication_failed")


def test_a_bulk_deleted_user_is_refused_at_once(users, partner):
    get_user_model().objects.filter(pk=users["partner"].pk).delete()
    assert_error(partner.get(LEVELS), 401, "authentication_failed")


def test_a_sign_in_elsewhere_keeps_tokens_warm(users, partner, client, django_assert_num_queries):
    client.force_login(users["reviewer"])  # updates last_login: nothing a token reads
    with django_assert_num_queries(2):  # the count and the page; no token, user or role
        assert partner.get(LEVELS).status_code == 200


def test_a_reactivated_user_is_served_again(users, partner):
    get_user_model().objects.filter(pk=users["partner"].pk).update(is_active=False)
    assert_error(partner.get(LEVELS), 401)
    get_user_model().objects.filter(pk=users["partner"].pk).update(is_active=True)
    assert partner.get(LEVELS).status_code == 200


def test_a_token_deleted_in_a_transaction_is_refused_once_committed(
    users, partner, django_capture_on_commit_callbacks
):
    """Revoking (deleting) a token drops it from the cache now and again at commit, by the
    key it had: a request that cached it in between is refused after the commit too."""
    from rest_framework.authtoken.models import Token

    assert partner.get("/api/v1/levels/").status_code == 200  # cached
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Token.objects.filter(user=users["partner"]).delete()
    assert callbacks, "the second forgetting runs when the deletion commits"
    assert_error(partner.get("/api/v1/levels/"), 401)
