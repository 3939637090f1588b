"""Workflow vocabulary of assessments (DESIGN §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    VALIDATED = "validated", _("Validated")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    RETURN = "return", _("Return for correction")
    VALIDATE = "validate", _("Validate")
    REOPEN = "reopen", _("Reopen")


EDITABLE_STATES = (State.DRAFT, State.RETURNED)


class Audience(models.TextChoices):
    """To whom a country's profile is published (DESIGN §7)."""

    PEERS = "peers", _("Peers: every signed-in focal point and reviewer")
    PUBLIC = "public", _("Public: anyone, without signing in")


class PublicationAction(models.TextChoices):
    PUBLISH = "publish", _("Published")
    WITHDRAW = "withdraw", _("Withdrawn")
