from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = "Actors and users"

    def ready(self) -> None:
        # Connects the API's cache invalidation when a membership changes, the log line of
        # every failed sign-in, and what a session owes of two-factor at sign-in.
        from actors import api, signin, two_factor  # noqa: F401
