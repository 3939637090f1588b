from django.apps import AppConfig


class CoherenceConfig(AppConfig):
    name = "coherence"
    verbose_name = "Shared vocabularies"
