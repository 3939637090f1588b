from django.contrib import admin
from django.db import models

from instruments.models import Instrument, Interaction


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tool_type", "paragraph"]
    list_filter = ["tool_type", "levels", "areas"]
    search_fields = ["code", "name"]
    filter_horizontal = ["levels", "areas"]
    autocomplete_fields = ["owners", "countries"]
    list_select_related = ["tool_type"]
    # A link typed without a scheme is read as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "score"]
    list_filter = ["score"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]
