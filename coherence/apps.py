from django.apps import AppConfig


class CoherenceConfig(AppConfig):
    name = "coherence"
    verbose_name = "Shared vocabularies"

    def ready(self) -> None:
        # Connects the API's cache invalidation (a revoked token stops working at once in
        # every process, shells and commands included).
        from coherence import api  # noqa: F401
