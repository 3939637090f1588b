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
        # The grid of a country in a cycle holds its validated stock-taking too.
        from assessments.stocktake.selectors import reported_grid_rows, reported_instruments
        from instruments.selectors import register_grid_source, register_reported_source

        register_grid_source(reported_grid_rows)
        register_reported_source(reported_instruments)
        # What a score's `unmitigated` counts: the catalogue's incoherences, their
        # mitigations and which instruments are safeguards.
        from instruments.models import Instrument, Interaction, Mitigation

        for model in (Instrument, Interaction, Mitigation):
            for signal in (post_save, post_delete):
                signal.connect(
                    _scores_changed, sender=model, dispatch_uid=f"unmitigated:{model.__name__}"
                )


def _scores_changed(**kwargs) -> None:
    from assessments.generation import scores_changed

    scores_changed()
