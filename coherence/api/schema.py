"""The OpenAPI schema class: the schema tells what the API does, so that a client generated
from it can use every operation whole — every status an operation answers (304 and 429
included), JSON on the JSON operations and CSV on its own `<list>.csv` operations, every
property and parameter described, vocabularies as shared enum components, bodies that
refuse unknown fields as `additionalProperties: false`, and what is always sent as
required."""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from coherence.api.errors import ErrorSerializer
from coherence.api.serializers import StrictInputSerializer

READ_ERRORS = ("400", "401", "404", "406", "412", "429")
WRITE_ERRORS = ("400", "401", "403", "404", "406", "409", "415", "429")
CSV_SUFFIX = ".csv"

ERROR_DESCRIPTIONS = {
    "400": "Bad input: `details` names each unknown or malformed parameter or field.",
    "401": "No credentials, or a token that is unknown or revoked.",
    "403": "The caller's role may not do this (or a missing CSRF token on a session).",
    "404": "No such object, or one the caller may not see.",
    "406": "The Accept header asks for a media type this operation does not give.",
    "409": "The object changed or is in a state that does not allow this.",
    "412": "If-Match or If-Unmodified-Since did not hold.",
    "415": "A body that is not application/json.",
    "429": "Too many requests: wait the seconds of Retry-After (also in `details.wait`).",
}
ETAG_HEADER = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "The version of this body: send it back as If-None-Match.",
    }
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds until the caller's window of requests reopens.",
    }
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the copy the caller holds: while it is current the answer "
    "is a 304 without a body.",
}
PATH_DESCRIPTIONS = {
    "code": "The {model}'s code.",
    "id": "The {model}'s id.",
}


def is_csv_path(path: str) -> bool:
    return path.rstrip("/").endswith(CSV_SUFFIX)


class CoherenceAutoSchema(AutoSchema):
    """Adds the shared error responses, ETag and 304 to every read, and the CSV operations;
    describes path and filter parameters from the views and filters that read them."""

    def get_operation_id(self) -> str:
        if is_csv_path(self.path):
            return (
                self.path.strip("/").rsplit("/", 1)[-1].removesuffix(CSV_SUFFIX).replace("-", "_")
                + "_list_csv"
            )
        return super().get_operation_id()

    def get_description(self) -> str:
        description = super().get_description()
        if is_csv_path(self.path):
            json_path = self.path.removesuffix(CSV_SUFFIX) + "/"
            return (
                f"The rows of `GET {json_path}` — the same filters and pages — as CSV "
                "(`text/csv`): one row per result, nested objects as dotted columns, lists "
                "of codes joined with `;`, cells that would read as formulas neutralised. "
                f"`GET {json_path}?format=csv` gives the same."
            )
        return description

    def _get_format_parameters(self):
        # JSON operations answer JSON; CSV has operations of its own (`<list>.csv`). `format`
        # is still read (`?format=csv` keeps its meaning) but not offered to clients.
        return []

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.method == "GET":
            parameters.append(dict(IF_NONE_MATCH))
        return parameters

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        queryset = getattr(self.view, "queryset", None)
        model = getattr(queryset, "model", None)
        for parameter in parameters:
            template = PATH_DESCRIPTIONS.get(parameter["name"])
            if template and model is not None and not parameter.get("description"):
                parameter["description"] = template.format(model=model._meta.verbose_name)
        return parameters

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None:
            return parameters
        for parameter in parameters:
            # Filters typed by @extend_schema_field lose their help_text on the way.
            field = filterset_class.base_filters.get(parameter["name"])
            help_text = field.extra.get("help_text") if field is not None else None
            if help_text and not parameter.get("description", "").startswith(str(help_text)):
                described = parameter.get("description", "")
                parameter["description"] = (
                    f"{help_text}\n\n{described}" if described else str(help_text)
                )
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            # The API's bodies carry every field of their serializer, null or empty at worst.
            schema["required"] = sorted(schema.get("properties", {}))
        elif isinstance(serializer, StrictInputSerializer):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        reading = self.method in ("GET", "HEAD")
        for code, response in responses.items():
            content = response.get("content", {})
            if code.startswith("2"):
                if is_csv_path(self.path):
                    response["content"] = {
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "A header row, then one row per result.",
                            }
                        }
                    }
                    response["description"] = "The page's rows as CSV."
                else:  # CSV is the `.csv` operation's; a file download keeps its own types
                    response["content"] = {
                        media: body
                        for media, body in content.items()
                        if media != "text/csv" or body.get("schema", {}).get("format") == "binary"
                    }
                if reading:
                    response["headers"] = {**response.get("headers", {}), **ETAG_HEADER}
        if reading:
            responses["304"] = {
                "description": "Not modified: the If-None-Match ETag is current; no body.",
                "headers": dict(ETAG_HEADER),
            }
        for code in READ_ERRORS if reading else WRITE_ERRORS:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                )
            responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        responses["429"]["headers"] = dict(RETRY_AFTER_HEADER)
        return dict(sorted(responses.items()))


def _enum_key(schema: dict):
    return (schema.get("type"), frozenset(map(repr, schema.get("enum", []))))


def _free_enum_name(schemas: dict, parameter: str, values: list) -> str:
    """`<Parameter>Enum`, or, where another enum of other values has that name (the
    `format` of two operations with a format each), one named by its values too."""
    name = f"{parameter.title().replace('_', '')}Enum"
    if name in schemas:
        words = "".join(w.title() for v in values for w in re.split(r"[^0-9A-Za-z]+", str(v)))
        name = f"{parameter.title().replace('_', '')}{words}Enum"
    return name


def shared_parameter_enums(result, generator, **kwargs):
    """A postprocessing hook, after drf-spectacular's own: the enums of query parameters
    become references to the enum components the properties use (drf-spectacular shares
    them only among properties), so a generated client has one type per vocabulary."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    by_values = {
        _enum_key(schema): name
        for name, schema in schemas.items()
        if "enum" in schema and name != "NullEnum"
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                target = schema.get("items", schema)
                if "enum" not in target:
                    continue
                name = by_values.get(_enum_key(target))
                if name is None:
                    name = _free_enum_name(schemas, parameter["name"], target["enum"])
                    component = ResolvedComponent(
                        name=name, type=ResolvedComponent.SCHEMA, object=name, schema=target
                    )
                    generator.registry.register_on_missing(component)
                    schemas[name] = {k: v for k, v in target.items() if k in ("type", "enum")}
                    by_values[_enum_key(target)] = name
                ref = {"$ref": f"#/components/schemas/{name}"}
                if target is schema:
                    parameter["schema"] = ref
                else:
                    schema["items"] = ref
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result
