"""Stakeholders (¶35), their interests by policy area, and who each user is."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coherence.choices import GOVERNMENT_ACTOR_TYPES, ActorType, Level, Role
from coherence.models import Country, PolicyArea

actor_code = RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("Capital letters, digits and '-'."))


class Actor(models.Model):
    """A stakeholder: a ministry, agency, local authority, association, organisation or
    process, on one governance level, of one country where one applies."""

    code = models.CharField(max_length=40, unique=True, validators=[actor_code])
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=40, choices=ActorType.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="actors"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    paragraph = models.PositiveSmallIntegerField(null=True, blank=True)
    # DESIGN §7: the one actor of a country whose focal points publish its profile.
    leads_publication = models.BooleanField(
        default=False,
        help_text=_(
            "The country's lead actor: its focal points publish and withdraw the country's "
            "profile. One per country."
        ),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(leads_publication=True),
                name="one_lead_actor_per_country",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=ActorType.values), name="actor_type"
            ),
            models.CheckConstraint(condition=models.Q(level__in=Level.values), name="actor_level"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="actor_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_government(self) -> bool:
        return self.type in GOVERNMENT_ACTOR_TYPES

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An actor cannot be its own parent.")})
        if self.level in (Level.SUBNATIONAL, Level.NATIONAL) and not self.country_id:
            raise ValidationError({"country": _("A national or sub-national actor has a country.")})


class Interest(models.Model):
    """How much an actor cares about a policy area: a priority from 1 to 5."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="interests")
    area = models.ForeignKey(PolicyArea, on_delete=models.PROTECT, related_name="interests")
    priority = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["actor", "area"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "area"], name="one_interest_per_area"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="priority_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor.code} · {self.area_id}: {self.priority}"


class Membership(models.Model):
    """Who a user is: a focal point of one actor, a reviewer (optionally belonging to a
    government it may not validate), a catalogue administrator, a partner system, or the
    built-in importer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    government = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewers",
        help_text=_(
            "For a reviewer: the government it belongs to, whose work it may not validate."
        ),
    )

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.FOCAL_POINT) | models.Q(actor__isnull=False),
                name="focal_point_has_actor",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.FOCAL_POINT) | models.Q(actor__isnull=True),
                name="only_focal_points_have_actor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    def clean(self) -> None:
        if self.role == Role.FOCAL_POINT:
            if not self.actor_id:
                raise ValidationError({"actor": _("A focal point belongs to an actor.")})
            if self.actor.country_id is None:
                raise ValidationError({"actor": _("A focal point's actor has a country.")})
        elif self.actor_id:
            raise ValidationError({"actor": _("Only a focal point belongs to an actor.")})
        if self.government_id and self.role != Role.REVIEWER:
            raise ValidationError({"government": _("Only a reviewer is tied to a government.")})
