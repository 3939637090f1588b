"""The signed-in user's role, actor and country, for every template (navigation, links)."""

from django.utils.functional import SimpleLazyObject

from actors.roles import principal_of


def principal(request) -> dict:
    # Lazy: a page that never asks costs no query; principal_of caches on the user.
    return {"principal": SimpleLazyObject(lambda: principal_of(request.user))}
