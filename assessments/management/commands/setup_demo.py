from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from assessments import catalogue, demo, services


class Command(BaseCommand):
    help = "Load the catalogue, then add the demo users and assessments (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "setup_demo refuses to run with DEBUG off: it creates users "
                "with a published password."
            )
        # The demo's own submissions and validations notify nobody.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        call_command("load_catalogue", stdout=self.stdout)
        try:
            report = demo.setup(catalogue.FIXTURES)
        except (services.WorkflowError, catalogue.CatalogueError) as exc:
            raise CommandError(f"The demo was not set up; nothing was written: {exc}") from None
        self.stdout.write(
            f"Demo ready: {len(report)} records created." if report else "Demo already set up."
        )
        self.stdout.write(f"Sign in with focal-phl, focal-mda or cochair / {demo.DEMO_PASSWORD}")
