from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Framework and assessments"

    def ready(self):
        from assessments.models import Assessment, ConsolidatedScore, FrameworkVersion

        # What the API's cached score bodies show: the scores, the framework code they
        # name, and whether a validated assessment still stands behind them.
        for signal, model in [
            (post_save, ConsolidatedScore),
            (post_delete, ConsolidatedScore),
            (post_save, FrameworkVersion),
            (post_delete, Assessment),
        ]:
            signal.connect(_scores_changed, sender=model, dispatch_uid=f"scores:{model.__name__}")


def _scores_changed(**kwargs) -> None:
    from assessments.generation import scores_changed

    scores_changed()
