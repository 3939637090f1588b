"""The base of every API view: throttles before permissions, strict query parameters,
JSON errors and conditional GET."""

from django.http import Http404
from rest_framework import exceptions, mixins, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from coherence.api.caching import conditional
from coherence.api.errors import APIError
from coherence.api.renderers import CSVRenderer


class APIViewMixin:
    """Throttles before permissions (so anonymous floods are throttled too), unknown,
    repeated or malformed query parameters refused with a 400 naming them, errors never
    rendered as CSV, and conditional GET on every successful read."""

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
        allowed = set(self.extra_query_params)
        if self.format_kwarg is None:  # `<list>.csv` names its format in the path
            allowed.add(api_settings.URL_FORMAT_OVERRIDE)
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


class ReadOnlyViewSet(APIViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A list (and, with RetrieveModelMixin, a detail) with the defaults of
    settings.REST_FRAMEWORK: cached tokens, strict filters, pagination, JSON and CSV."""
