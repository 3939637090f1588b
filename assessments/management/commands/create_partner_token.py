"""`python manage.py create_partner_token NAME`: a partner system's user and API token.

Creates the user NAME with the `partner` role (or reuses it) and a new token, and prints
the key alone on the last line: the only time it is shown, as only a hash of it is kept.
Run again, it issues a new key and the previous one stops working. Revoke a token by
deleting it in the admin (Auth Token › Tokens).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from actors.models import Membership
from coherence.api.authentication import issue_token
from coherence.choices import Role


class Command(BaseCommand):
    help = "Create (or reuse) a partner system's user and issue its API key; prints it last."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The partner system's user name, e.g. 'psa-stats'.")

    def handle(self, *args, name: str, **options):
        model = get_user_model()
        username_field = model._meta.get_field(model.USERNAME_FIELD)
        try:
            username_field.run_validators(name)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            raise CommandError(f"{name!r} is not a valid user name: {reason}") from None
        with transaction.atomic():
            user, created = model.objects.get_or_create(**{model.USERNAME_FIELD: name})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            membership = Membership.objects.filter(user=user).first()
            if membership is None:
                Membership.objects.create(user=user, role=Role.PARTNER)
            elif membership.role != Role.PARTNER:
                raise CommandError(
                    f"The user {name!r} already exists as {membership.get_role_display()}; "
                    "a partner token needs a user of its own."
                )
            if not user.is_active:
                raise CommandError(f"The user {name!r} is inactive; activate it in the admin.")
            replaced = Token.objects.filter(user=user).exists()
            key = issue_token(user)
        if replaced:
            self.stdout.write(f"The previous API key of partner {name!r} no longer works.")
        self.stdout.write(f"The API key of partner {name!r}, shown this once. Send it as:")
        self.stdout.write("Authorization: Token <key>")
        self.stdout.write(key)
