"""The one error shape, `{"error": {"code", "message", "details"}}`, and the handler
that gives every exception its status: bad input is a 4xx, never a 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from coherence.errors import Refusal


class APIError(exceptions.APIException):
    """An error with its own code, message and details, for the error shape as is."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, status_code=None, details=None):
        super().__init__(message, code or self.default_code)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}
        if status_code is not None:
            self.status_code = status_code


def _plain(detail):
    """ErrorDetail trees as plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [_plain(value) for value in detail]
    return str(detail)


def _as_api_exception(exc):
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Refusal):  # a service's refusal: its class carries its status
        return APIError(
            exc.message, code=exc.code, status_code=exc.http_status, details=exc.details
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, SuspiciousOperation):
        return APIError("The request is malformed or too large.", code="bad_request")
    return None


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def exception_handler(exc, context):
    """Every refused request in one shape; anything that is not a known refusal is left
    to raise (a real bug must not hide behind a 4xx)."""
    exc = _as_api_exception(exc)
    if exc is None:
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, APIError):
        body = error_body(exc.code, exc.message, exc.details)
    elif isinstance(exc, exceptions.ValidationError):
        details = _plain(exc.detail)
        if not isinstance(details, dict):
            details = {"non_field_errors": details if isinstance(details, list) else [details]}
        fields = ", ".join(details)
        body = error_body("invalid", f"Invalid input: {fields}.", details)
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else None
        message = "Too many requests."
        if wait is not None:
            message += f" Try again in {wait} seconds."
        body = error_body("throttled", message, {"wait": wait})
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        body = error_body(str(code), str(detail))
    return Response(body, status=exc.status_code, headers=headers)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What went wrong, for programs: e.g. invalid.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    details = serializers.DictField(help_text="Field or indicator → what is wrong, or context.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer(help_text="The refusal.")
