"""The base of every serializer that reads a request body: a field it does not take is a
400 naming it, as an unknown query parameter is (DESIGN §6), never silently dropped."""

from collections.abc import Mapping

from rest_framework import serializers


# A request body, or an object nested in one, with no fields but its own; the schema says so
# with `additionalProperties: false` (coherence.api.schema). No docstring: the schema would
# show it on each subclass.
class StrictInputSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            takes = [name for name, field in self.fields.items() if not field.read_only]
            unknown = [str(name) for name in data if name not in takes]
            if unknown:
                listed = ", ".join(takes) or "no fields"
                raise serializers.ValidationError(
                    {name: [f"Unknown field; this body takes: {listed}."] for name in unknown}
                )
        return super().to_internal_value(data)
