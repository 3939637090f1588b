"""Page-number pagination with strict `page` and `page_size` parameters."""

import re

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from coherence.api.errors import APIError

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
        described = {
            "count": "The number of results over all pages.",
            "next": "The URL of the next page, or null on the last.",
            "previous": "The URL of the previous page, or null on the first.",
            "results": "This page's results.",
        }
        for name, description in described.items():
            paginated["properties"][name]["description"] = description
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
