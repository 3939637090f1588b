"""Strict JSON fields: a number is a JSON number, a flag a JSON boolean, no NUL in text."""

from django.core.validators import RegexValidator
from rest_framework import serializers


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {"invalid": "A whole number (a JSON number, not a string)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "true or false (a JSON boolean)."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


NO_NUL = RegexValidator(r"^[^\x00]*$", "Must not contain NUL characters.")


class StrictCharField(serializers.CharField):
    """A JSON string; without NUL characters (no database stores them) unless a pattern of
    its own says more."""

    default_error_messages = {"invalid": "A string."}

    def __init__(self, **kwargs):
        validators = list(kwargs.pop("validators", []))
        if not any(isinstance(v, RegexValidator) for v in validators):
            validators.append(NO_NUL)
        super().__init__(validators=validators, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONNumberField(serializers.FloatField):
    """A JSON number (or null when allowed); whole numbers are written without `.0`."""

    default_error_messages = {"invalid": "A number (a JSON number, not a string)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value):
        value = float(value)
        return int(value) if value.is_integer() else value
