"""What every endpoint of the REST API shares (DESIGN §6): the error shape, pagination,
strict query parameters, the CSV renderer, conditional GET, cached token authentication
and throttles — and the fixed vocabularies, which live in `coherence` too.

Errors always read `{"error": {"code", "message", "details"}}`; bad input is a 4xx,
never a 500.
"""

import csv
import hashlib
import io
import json
import re
import threading
import time
from collections import OrderedDict

from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django_filters import rest_framework as filters
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from coherence.choices import AREA_CHOICES, AreaGroup, Level, ToolKind
from coherence.models import Country, GovernanceLevel, PolicyArea, ToolType

LANGUAGES = ("en", "fr", "es")
ISO3 = re.compile(r"^[A-Z]{3}$")

# --- Errors -------------------------------------------------------------------------------


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
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField(help_text="Field or indicator → what is wrong, or context.")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# --- Schema: every operation documents its error responses ---------------------------------

READ_ERRORS = ("400", "401", "404", "406", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "406", "409", "415", "429")


class CoherenceAutoSchema(AutoSchema):
    """Adds the shared error responses to every operation."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                )
        return responses


# --- Pagination ---------------------------------------------------------------------------

DIGITS = re.compile(r"^[0-9]{1,10}$")
MAX_PAGE = 10**9


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `page` and `page_size` are strict."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def _positive(self, request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not DIGITS.match(raw) or int(raw) < 1 or (maximum and int(raw) > maximum):
            bound = f" from 1 to {maximum}" if maximum else " of at least 1"
            raise APIError(
                f"Invalid query parameter: {name}.",
                details={name: [f"{raw[:40]!r} is not a whole number{bound}."]},
            )
        return int(raw)

    def get_page_size(self, request):
        return self._positive(request, "page_size", self.max_page_size) or self.page_size

    def get_page_number(self, request, paginator):
        return self._positive(request, "page", MAX_PAGE) or 1

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        number = self.get_page_number(request, None)
        paginator = self.django_paginator_class(queryset, size)
        if number > max(paginator.num_pages, 1):
            raise exceptions.NotFound(
                f"Page {number} does not exist: there are {paginator.num_pages} pages."
            )
        self.page = paginator.page(number)
        return list(self.page)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((self.get_next_link(), "next"), (self.get_previous_link(), "prev"))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
            else:
                parameter["schema"]["maximum"] = MAX_PAGE
        return parameters


# --- CSV ----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell no spreadsheet runs as a formula (DESIGN §5)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _flatten(row: dict) -> dict:
    """Nested objects become dotted columns; lists of codes become `a;b;c`."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for inner, inner_value in _flatten(value).items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # a number, never a formula
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return neutralise(";".join(str(_cell(item)) for item in value))
        return json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


class CSVRenderer(BaseRenderer):
    """`?format=csv` on lists: one row per result of the page, formulas neutralised."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        rows = [_flatten(row) if isinstance(row, dict) else {"value": row} for row in rows]
        header = list(dict.fromkeys(key for row in rows for key in row))
        if not header:
            view = (renderer_context or {}).get("view")
            serializer_class = getattr(view, "serializer_class", None)
            header = list(serializer_class().fields) if serializer_class else []
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([neutralise(column) for column in header])
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in header])
        return out.getvalue().encode("utf-8")


# --- Conditional GET -----------------------------------------------------------------------


def content_etag(content: bytes) -> str:
    return '"' + hashlib.blake2b(content, digest_size=16).hexdigest() + '"'


def conditional(request, response, *, etag: str | None = None, last_modified=None):
    """Set ETag (the content's hash unless given), Last-Modified and caching headers, and
    answer 304 when the client's copy is current."""
    if etag:
        response["ETag"] = etag
    elif not response.has_header("ETag"):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        response["ETag"] = content_etag(response.content)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # Clients must revalidate, and a body differs by who asks. Most responses carry neither
    # header yet: set them, sparing the parsing that merging needs.
    if response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)
    else:
        response["Cache-Control"] = "private, no-cache"
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Authorization",))
    else:
        response["Vary"] = "Authorization"
    modified = response.get("Last-Modified")
    answer = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date_safe(modified) if modified else None,
        response=response,
    )
    if answer.status_code == status.HTTP_412_PRECONDITION_FAILED:
        body = error_body("precondition_failed", "If-Match or If-Unmodified-Since failed.")
        answer = HttpResponse(json.dumps(body), status=412, content_type="application/json")
        answer["ETag"] = response["ETag"]
    return answer


# --- Authentication and throttles ----------------------------------------------------------

TOKEN_SECONDS = 60
TOKEN_KEY = re.compile(r"^[0-9A-Za-z]{1,64}$")


def token_cache_key(key: str) -> str:
    return "api:token:" + hashlib.sha256(key.encode()).hexdigest()


def token_ident(key: str) -> str:
    """Who a token is to the throttle, without its key."""
    return "token-" + hashlib.sha256(key.encode()).hexdigest()[:32]


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`; the token and its user are cached for a minute, so a
    warm request costs no query to authenticate. Deleting a token (how the admin revokes
    it), or saving its user, drops it from the cache at once."""

    # What every request reads about a user (its role, say), loaded before the user is
    # cached: apps register loaders with `load_with_user`, as `coherence` imports none of them.
    user_loaders: list = []

    def prepare_user(self, user) -> None:
        for loader in self.user_loaders:
            loader(user)

    def is_prepared(self, user) -> bool:
        return getattr(user, "_api_prepared", False)

    def authenticate(self, request):
        self.request = request
        try:
            return super().authenticate(request)
        except UnicodeError:  # a header no real server passes on, but never a 500
            raise exceptions.AuthenticationFailed("Invalid token header.") from None

    def cached_token(self, key: str, cache_key: str):
        """The cached token; on Redis, in the same round trip, this token's count in the
        current throttle window too, left on the request for UserThrottle, and the cache
        keys the view reads on every request (its `read_along`), left for `read_along`."""
        redis = raw_redis(cache)
        if redis is None:
            return cache.get(cache_key)
        window = UserThrottle.window_of(token_ident(key))
        view = (self.request.parser_context or {}).get("view")
        along = list(getattr(view, "read_along", ()))
        pipe = redis.pipeline(transaction=False)
        # make_key, not make_and_validate_key: these keys are ours, hex digests and codes.
        pipe.get(cache.make_key(cache_key))
        for along_key in along:
            pipe.get(cache.make_key(along_key))
        if window is not None:
            window_key, seconds = window
            full_key = cache.make_key(window_key)
            pipe.incr(full_key).expire(full_key, seconds + 1)
        found, *rest = pipe.execute()
        self.request._api_read_along = {
            along_key: None if value is None else _redis_values.loads(value)
            for along_key, value in zip(along, rest, strict=False)
        }
        if window is not None:
            self.request._api_window = (window[0], rest[len(along)])
        return None if found is None else _redis_values.loads(found)

    def authenticate_credentials(self, key):
        if not TOKEN_KEY.match(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        cache_key = token_cache_key(key)
        token = self.cached_token(key, cache_key)
        if token is None or not self.is_prepared(token.user):
            if token is None:
                model = self.get_model()
                try:
                    token = model.objects.select_related("user").get(key=key)
                except model.DoesNotExist:
                    raise exceptions.AuthenticationFailed("Invalid token.") from None
            self.prepare_user(token.user)
            token.user._api_prepared = bool(self.user_loaders)
            cache.set(cache_key, token, TOKEN_SECONDS)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token


# Reads back what Django's Redis cache wrote, in its own format, for raw pipeline reads.
_redis_values = RedisSerializer()


def read_along(request, key: str):
    """The cache's value of `key`, read in the token lookup's round trip when the view
    names it in `read_along`, else read now."""
    known = getattr(request, "_api_read_along", {})
    return known[key] if key in known else cache.get(key)


def load_with_user(loader) -> None:
    """Register `loader(user)` to run before a token's user is cached."""
    if loader not in CachedTokenAuthentication.user_loaders:
        CachedTokenAuthentication.user_loaders.append(loader)


def forget_token(key: str) -> None:
    cache.delete(token_cache_key(key))


def forget_tokens_of(user_id) -> None:
    for key in Token.objects.filter(user_id=user_id).values_list("key", flat=True):
        forget_token(key)


def _token_deleted(sender, instance, **kwargs):
    forget_token(instance.key)


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a token request reads
    forget_tokens_of(instance.pk)


post_delete.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_deleted_token")
post_save.connect(_token_deleted, sender=Token, dispatch_uid="api_forget_saved_token")
post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="api_forget_user_tokens")


_redis_clients: dict = {}


def raw_redis(cache_backend):
    """The redis-py client behind Django's Redis cache, kept for the process (Django builds
    a new client object for every operation, which costs more than the round trip); None
    for any other cache backend."""
    alias = getattr(cache_backend, "_alias", None)  # django.core.cache.cache is a proxy
    if alias is not None:
        cache_backend = caches[alias]
    if not isinstance(cache_backend, RedisCache):
        return None
    client = _redis_clients.get(id(cache_backend))
    if client is None:
        client = _redis_clients[id(cache_backend)] = cache_backend._cache.get_client(write=True)
    return client


class LocalBodies:
    """Rendered response bodies kept in the process, under keys that name the version of
    what they show (a row's id and computed_at, say): an entry never needs invalidating,
    and it saves the shared cache's round trip on the hottest reads. Least recently used
    bodies go first once the process keeps `budget` bytes."""

    def __init__(self, budget: int = 16 * 2**20):
        self.budget = budget
        self.size = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def weight(value) -> int:
        parts = value if isinstance(value, tuple) else (value,)
        return sum(len(part) for part in parts if isinstance(part, bytes | str))

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if expires < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: str, value, seconds: int) -> None:
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + seconds, value)
            self.size += self.weight(value)
            while self.size > self.budget and self._items:
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        _, value = self._items.pop(key)
        self.size -= self.weight(value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


local_bodies = LocalBodies()


def cached_body(key: str, seconds: int):
    """A body from the process, else from the shared cache (then kept in the process)."""
    value = local_bodies.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local_bodies.set(key, value, seconds)
    return value


def keep_body(key: str, value, seconds: int) -> None:
    cache.set(key, value, seconds)
    local_bodies.set(key, value, seconds)


class _WindowThrottle:
    """A fixed-window counter in the cache (Redis when REDIS_URL is set): one increment per
    request, where DRF's default keeps a growing list of timestamps per client."""

    def get_rate(self):
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is not None and not re.match(r"^\d+/(s|sec|m|min|h|hour|d|day)\w*$", rate):
            raise ImproperlyConfigured(f"Throttle rate {rate!r} for {self.scope!r} is malformed.")
        return rate

    @classmethod
    def window_of(cls, ident: str) -> tuple[str, int] | None:
        """The cache key of `ident`'s current window, and the window's length."""
        throttle = cls()
        if throttle.rate is None:
            return None
        key = cls.cache_format % {"scope": cls.scope, "ident": ident}
        return f"{key}:{int(time.time() // throttle.duration)}", throttle.duration

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        key = f"{self.key}:{window}"
        counted = getattr(request, "_api_window", None)
        redis = raw_redis(self.cache)
        if counted is not None and counted[0] == key:  # counted with the token's lookup
            count = counted[1]
        elif redis is not None:  # one round trip: count, and let the window's key expire
            full_key = self.cache.make_and_validate_key(key)
            count, _ = (
                redis.pipeline(transaction=False)
                .incr(full_key)
                .expire(full_key, self.duration + 1)
                .execute()
            )
        else:
            try:
                count = self.cache.incr(key)
            except ValueError:
                count = 1 if self.cache.add(key, 1, self.duration + 1) else self.cache.incr(key)
        self._wait = max((window + 1) * self.duration - now, 1)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "_wait", None)


class UserThrottle(_WindowThrottle, UserRateThrottle):
    """Per token (counted in the token lookup's round trip), else per signed-in user."""

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Token):
            return self.cache_format % {"scope": self.scope, "ident": token_ident(request.auth.key)}
        return super().get_cache_key(request, view)


class AnonThrottle(_WindowThrottle, AnonRateThrottle):
    """Per anonymous client address."""


# --- Strict query parameters and the base of every view ------------------------------------


class APIViewMixin:
    """Throttles before permissions (so anonymous floods are throttled too), unknown,
    repeated or malformed query parameters refused with a 400 naming them, errors never
    rendered as CSV, and conditional GET on every successful read."""

    authentication_classes = [CachedTokenAuthentication, SessionAuthentication]
    throttle_classes = [AnonThrottle, UserThrottle]
    # Query parameters a view reads besides its filterset, pagination and `format`.
    extra_query_params: tuple[str, ...] = ()
    list_actions = ("list",)

    def initial(self, request, *args, **kwargs):
        self.format_kwarg = self.get_format_suffix(**kwargs)
        try:
            neg = self.perform_content_negotiation(request)
            refusal = None
        except (exceptions.NotFound, Http404, exceptions.NotAcceptable) as exc:
            neg, refusal = (JSONRenderer(), "application/json"), exc
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)
        if refusal is not None:
            if isinstance(refusal, exceptions.NotAcceptable):
                raise refusal
            formats = [r.format for r in self.get_renderers()]
            raise APIError(
                "Invalid query parameter: format.",
                details={"format": [f"Use one of: {', '.join(formats)}."]},
            )
        self.check_query_params(request)

    def perform_content_negotiation(self, request, force=False):
        # What partners' scripts send — no format asked for, any type accepted — needs no
        # parsing: the first renderer, as DRF's negotiation would pick.
        if (
            self.format_kwarg is None
            and api_settings.URL_FORMAT_OVERRIDE not in request.query_params
            and request.META.get("HTTP_ACCEPT", "*/*") == "*/*"
        ):
            renderer = self.get_renderers()[0]
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def is_list_action(self) -> bool:
        return getattr(self, "action", None) in self.list_actions

    def allowed_query_params(self) -> set[str]:
        allowed = {api_settings.URL_FORMAT_OVERRIDE, *self.extra_query_params}
        if self.is_list_action():
            allowed |= {"page", "page_size"}
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_params(self, request):
        allowed = self.allowed_query_params()
        errors = {}
        for name, values in request.query_params.lists():
            if name not in allowed:
                listed = ", ".join(sorted(allowed))
                errors[name] = [f"Unknown query parameter; this endpoint takes: {listed}."]
            elif len(values) > 1:
                errors[name] = ["Given more than once; give it once."]
            elif values[0] == "":
                errors[name] = ["Empty; give a value or leave the parameter out."]
        if errors:
            names = ", ".join(errors)
            unknown = any(name not in allowed for name in errors)
            raise APIError(
                f"{'Unknown' if unknown else 'Invalid'} query parameter: {names}.",
                code="unknown_parameter" if unknown else "invalid",
                details=errors,
            )

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and isinstance(
            getattr(request, "accepted_renderer", None), CSVRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if response.has_header("ETag"):  # the view answered the condition itself
                return response
            return conditional(request, response)
        return response


# --- Filters ---------------------------------------------------------------------------------


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


BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


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


# --- Strict JSON fields: a number is a JSON number, a flag a JSON boolean ---------------------


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


# --- The fixed vocabularies ----------------------------------------------------------------


class NamesSerializer(serializers.Serializer):
    en = serializers.CharField()
    fr = serializers.CharField()
    es = serializers.CharField()


def label_names(label) -> dict:
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[language] = str(label)
    return names


# A ranked vocabulary's entry — code, rank and names — of the choices in `vocabulary`. No
# docstring: the schema would show it on each subclass.
class RankedVocabularySerializer(serializers.Serializer):
    vocabulary: type

    def to_representation(self, instance):
        return {
            "code": instance.code,
            "rank": instance.rank,
            "name": label_names(self.vocabulary(instance.code).label),
        }


class LevelSerializer(RankedVocabularySerializer):
    vocabulary = Level
    code = serializers.ChoiceField(choices=Level.choices)
    rank = serializers.IntegerField(help_text="From the inside out: sub-national is 0.")
    name = NamesSerializer()


class ToolTypeSerializer(RankedVocabularySerializer):
    vocabulary = ToolKind
    code = serializers.ChoiceField(choices=ToolKind.choices)
    rank = serializers.IntegerField(help_text="The column of the Annex B grid.")
    name = NamesSerializer()


class AreaSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=AREA_CHOICES)
    group = serializers.ChoiceField(choices=AreaGroup.choices)
    rank = serializers.IntegerField()
    name = NamesSerializer()
    description = NamesSerializer()

    def to_representation(self, instance):
        return {
            "code": instance.code,
            "group": instance.group,
            "rank": instance.rank,
            "name": {lang: instance.translated("name", lang) for lang in LANGUAGES},
            "description": {lang: instance.translated("description", lang) for lang in LANGUAGES},
        }


class ReadOnlyViewSet(APIViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [StrictFilterBackend]
    pagination_class = Pagination


@extend_schema(tags=["vocabularies"], summary="Governance levels, from the inside out")
class LevelViewSet(ReadOnlyViewSet):
    queryset = GovernanceLevel.objects.order_by("code")
    serializer_class = LevelSerializer


@extend_schema(tags=["vocabularies"], summary="Tool types: the columns of the Annex B grid")
class ToolTypeViewSet(ReadOnlyViewSet):
    queryset = ToolType.objects.order_by("code")
    serializer_class = ToolTypeSerializer


class AreaFilter(filters.FilterSet):
    group = filters.ChoiceFilter(choices=AreaGroup.choices)

    class Meta:
        model = PolicyArea
        fields = ["group"]


@extend_schema(tags=["vocabularies"], summary="Policy areas")
class AreaViewSet(ReadOnlyViewSet):
    queryset = PolicyArea.objects.order_by("code")
    serializer_class = AreaSerializer
    filterset_class = AreaFilter


__all__ = [
    "APIError",
    "JSONNumberField",
    "NO_NUL",
    "StrictBooleanField",
    "StrictCharField",
    "StrictIntegerField",
    "APIViewMixin",
    "AnonThrottle",
    "CSVRenderer",
    "CachedTokenAuthentication",
    "CoherenceAutoSchema",
    "Pagination",
    "UserThrottle",
    "cached_body",
    "conditional",
    "read_along",
    "validated_filters",
    "keep_body",
    "load_with_user",
    "exception_handler",
]
