"""`python manage.py import_responses FILE [--status draft|submitted|validated]` (DESIGN §5)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.exchange.importer import STATUSES, ImportRejected, import_responses


class Command(BaseCommand):
    help = (
        "Import responses from a CSV or XLSX file and bring each of its assessments to a "
        "state, as the built-in user `importer`. Any bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8, ',' or ';') or .xlsx file")
        parser.add_argument(
            "--status",
            choices=[str(s) for s in STATUSES],
            default="draft",
            help="the state to bring each assessment of the file to (default: draft)",
        )

    def handle(self, *args, file, status, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = import_responses(path, status=status)
        except ImportRejected as exc:
            self.stderr.write(str(exc))  # the first errors, then how many more: never all
            count = f"{exc.total} errors" if exc.total is not None else "many errors"
            raise CommandError(
                f"{path.name} was rejected ({count}); nothing was imported."
            ) from None
        self.stdout.write(f"Imported {path.name}: {result}.")
