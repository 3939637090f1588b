from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments import catalogue, tasks


class Command(BaseCommand):
    help = "Load the vocabularies, the catalogue and the indicator framework from fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            default=str(catalogue.FIXTURES),
            help="the folder holding the YAML files (default: fixtures/)",
        )

    def handle(self, *args, fixtures, **options):
        from pathlib import Path

        try:
            report = catalogue.load(Path(fixtures))
        except catalogue.CatalogueError as exc:
            raise CommandError(
                "The catalogue was not loaded; nothing was written:\n  " + "\n  ".join(exc.errors)
            ) from None
        if report.weights_changed or report.crosswalk_changed:
            # A weight change recomputes every score of that version (DESIGN §3); a crosswalk
            # change every crosswalk score (§4). The scores are stale from now on, so that a
            # broker down now leaves them for the catch-up rather than served as fresh.
            with transaction.atomic():
                tasks.request_full_recompute()
        self.stdout.write(f"Catalogue loaded: {report}")
