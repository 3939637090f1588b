"""The JSON parser of every API view: bodies nested deeper than a request ever needs are
refused with a 400 before any decoding, so hostile input never recurses in Python."""

import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from coherence.api.errors import APIError

MAX_DEPTH = 32  # the deepest real body (answers → answer → instruments) is 3 levels
# A string, its closing quote optional: an unclosed one is consumed once, to the end, rather
# than scanned again from each of its quotes (which grows with the square of the body).
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str, *, limit: int) -> int:
    """How deep arrays and objects nest in `text` (counting stops past `limit`); brackets
    inside strings do not count. A loop over brackets, no recursion."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match[0] in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser with a depth limit: deeper bodies are a 400 in the error shape."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:  # LookupError: an unknown charset
            raise ParseError(f"JSON parse error - {exc}") from None
        if nesting_depth(text, limit=self.max_depth) > self.max_depth:
            raise APIError(
                f"JSON parse error - the body nests deeper than {self.max_depth} levels.",
                code="parse_error",
                details={"max_depth": self.max_depth},
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
