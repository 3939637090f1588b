"""Who a user is, read once per request: every permission check starts here."""

from dataclasses import dataclass

from coherence.choices import Role


@dataclass(frozen=True)
class Principal:
    role: str | None
    actor_id: int | None = None
    country: str | None = None  # the focal point's country
    government: str | None = None  # the reviewer's own government, if any

    @property
    def is_focal_point(self) -> bool:
        return self.role == Role.FOCAL_POINT

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_importer(self) -> bool:
        return self.role == Role.IMPORTER


ANONYMOUS = Principal(role=None)


def principal_of(user) -> Principal:
    """The user's role, actor and countries; cached on the user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_principal", None)
    if cached is not None:
        return cached
    from actors.models import Membership

    membership = Membership.objects.select_related("actor").filter(user_id=user.pk).first()
    if membership is None:
        principal = Principal(role=Role.ADMIN if user.is_superuser else None)
    else:
        principal = Principal(
            role=membership.role,
            actor_id=membership.actor_id,
            country=membership.actor.country_id if membership.actor_id else None,
            government=membership.government_id,
        )
    user._principal = principal
    return principal
