"""Strict filters: unknown countries, malformed codes and cycles are a 400 naming them."""

import re

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from coherence.api.errors import APIError, _plain
from coherence.models import Country

ISO3 = re.compile(r"^[A-Z]{3}$")


class CountryCodeField(forms.CharField):
    """An ISO3 code of a country the catalogue knows: unknown codes are a 400."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        value = value.strip().upper()
        if not ISO3.match(value):
            raise DjangoValidationError("An ISO 3166-1 alpha-3 code, e.g. PHL.")
        if not Country.objects.filter(iso3=value).exists():
            raise DjangoValidationError(f"Unknown country code {value}.")
        return value


@extend_schema_field({"type": "string", "pattern": "^[A-Za-z]{3}$"})
class CountryFilter(filters.CharFilter):
    field_class = CountryCodeField


class CodeField(forms.CharField):
    """A catalogue code (capital letters, digits, '-')."""

    def clean(self, value):
        value = super().clean(value)
        if value and not re.match(r"^[A-Z0-9][A-Z0-9-]{0,59}$", value):
            raise DjangoValidationError("A code of capital letters, digits and '-'.")
        return value


@extend_schema_field({"type": "string", "pattern": "^[A-Z0-9][A-Z0-9-]*$"})
class CodeFilter(filters.CharFilter):
    field_class = CodeField


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class CycleFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """`true` or `false`, as a JSON boolean is written (and as generated clients send a
    boolean); anything else is a 400."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise DjangoValidationError("true or false.")


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.Filter):
    field_class = StrictBooleanField


def validated_filters(filterset) -> dict:
    """The filterset's cleaned values; malformed ones are a 400 naming them."""
    if not filterset.is_valid():
        details = {name: list(messages) for name, messages in filterset.errors.items()}
        raise APIError(f"Invalid query parameter: {', '.join(details)}.", details=details)
    return filterset.form.cleaned_data


class StrictFilterBackend(filters.DjangoFilterBackend):
    """Malformed filter values are a 400 naming them."""

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except exceptions.ValidationError as exc:
            details = _plain(exc.detail)
            raise APIError(
                f"Invalid query parameter: {', '.join(details)}.", details=details
            ) from None


def read_by_the_view(queryset, name, value):
    """The `method` of a filter whose value the view applies itself: checked and
    documented by the filterset, the queryset left as it is."""
    return queryset
