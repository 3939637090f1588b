from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from coherence.api.authentication import masked
from coherence.models import Country, GovernanceLevel, PolicyArea, ToolType


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name"]
    search_fields = ["iso3", "name"]


@admin.register(GovernanceLevel, ToolType)
class FixedVocabularyAdmin(admin.ModelAdmin):
    """The codes are fixed by DESIGN §2; only their order may be adjusted."""

    list_display = ["code", "rank"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "group", "rank"]
    list_filter = ["group"]
    search_fields = ["code", "name_en", "name_fr", "name_es"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


# API tokens: DRF's admin lists the key column in full. Here it shows only the first
# characters the database keeps of a key (coherence.api.authentication.stored_key); tokens
# are issued by `create_partner_token`, which shows the key once, and revoked by deleting.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class MaskedTokenAdmin(TokenAdmin):
    list_display = ("key_prefix", "user", "created")
    fields = ("user", "key_prefix", "created")
    readonly_fields = ("user", "key_prefix", "created")

    @admin.display(description="Key")
    def key_prefix(self, token) -> str:
        return masked(token.key)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
