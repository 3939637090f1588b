"""The OpenAPI schema class: every operation documents its error responses."""

from drf_spectacular.openapi import AutoSchema

from coherence.api.errors import ErrorSerializer

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
