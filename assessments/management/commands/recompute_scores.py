from django.core.management.base import BaseCommand
from tqdm import tqdm

from assessments import recompute


class Command(BaseCommand):
    help = "Recompute every stored score (assessments and country consolidations)."

    def handle(self, *args, **options):
        bar = tqdm(total=1, unit="step", desc="Recomputing scores", file=self.stderr._out)

        def progress(current: int, total: int) -> None:
            bar.total = total
            bar.n = current
            bar.refresh()

        counts = recompute.recompute_all(progress=progress)
        bar.close()
        self.stdout.write(
            f"Recomputed {counts['assessments']} assessments and "
            f"{counts['countries']} country-cycle consolidations."
        )
