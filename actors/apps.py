from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "actors"
    verbose_name = "Actors and users"

    def ready(self) -> None:
        # Connects the API's cache invalidation when a membership changes.
        from actors import api  # noqa: F401
