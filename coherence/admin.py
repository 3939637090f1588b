from django.contrib import admin

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
