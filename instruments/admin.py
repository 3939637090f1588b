from django import forms
from django.contrib import admin
from django.db import models
from django.utils.text import capfirst

from instruments.models import Instrument, Interaction, Mitigation


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes in a group named by their field: Django's admin puts them under a label
    that names nothing (no fieldset), so a screen reader would read "National" alone."""

    template_name = "instruments/checkbox_group.html"

    def __init__(self, *, group_label: str):
        super().__init__()
        self.group_label = group_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = self.group_label
        return context


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tool_type", "safeguard", "paragraph"]
    list_filter = ["safeguard", "tool_type", "levels", "areas"]
    search_fields = ["code", "name"]
    # A few levels and areas: checkboxes in a named group, which every keyboard and screen
    # reader knows (Django's two-box filter_horizontal misuses ARIA); the many actors and
    # countries: a search (static/js/admin.js names its box).
    checkbox_fields = ["levels", "areas"]
    autocomplete_fields = ["owners", "countries"]
    list_select_related = ["tool_type"]
    # A link typed without a scheme is read as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.checkbox_fields:
            kwargs["widget"] = CheckboxGroup(group_label=capfirst(db_field.verbose_name))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MitigationInline(admin.TabularInline):
    """The safeguards that limit an incoherence's harm (Mitigation.clean checks each)."""

    model = Mitigation
    fk_name = "interaction"
    extra = 0
    autocomplete_fields = ["safeguard"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "score", "mitigation_count"]
    list_filter = ["score"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]
    search_fields = ["source__code", "target__code"]
    inlines = [MitigationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_mitigations=models.Count("mitigations"))

    @admin.display(description="mitigations", ordering="n_mitigations")
    def mitigation_count(self, obj) -> int:
        return obj.n_mitigations


@admin.register(Mitigation)
class MitigationAdmin(admin.ModelAdmin):
    list_display = ["interaction", "safeguard", "how"]
    autocomplete_fields = ["interaction", "safeguard"]
    list_select_related = ["interaction__source", "interaction__target", "safeguard"]
    search_fields = ["safeguard__code", "interaction__source__code", "interaction__target__code"]
