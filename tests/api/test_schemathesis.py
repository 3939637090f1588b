"""Property-based checks of the whole API against its own OpenAPI schema (schemathesis):
for every operation of /api/schema/, requests generated from the schema — valid ones and
deliberately invalid ones — sent to the WSGI app never get a 5xx, and every response,
errors included, conforms to the schema: a documented status, content type, headers and
body. Small example counts keep it in the normal suite (well under a minute).

It drives Hypothesis directly rather than through schemathesis' pytest plugin, whose lazy
fixture loader does not run under pytest 9; the checks are schemathesis' own."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from coherence.wsgi import application
from tests.api.conftest import token_key

# A country filter must name a country the catalogue knows (else a 400 naming it), which no
# static schema can say: valid requests take a known one, everything else is generated.
KNOWN = {"country": "PHL"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls into the WSGI app fire request_started/finished, whose handler closes "old"
    database connections — here the test's own, inside its transaction. Django's test
    client disconnects that handler for the same reason; so do we."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world):
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def token_headers(user) -> dict:
    return {"Authorization": f"Token {token_key(user)}"}


def fuzz(api_schema, headers, mode, examples, *, path_parameters=None, excluded=()):
    """Run every operation; the failures of all of them, reported together."""
    failures, checked = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()  # an Err is a schema the loader cannot read: fail
        names = {parameter.name for parameter in operation.query}
        fixed = {k: v for k, v in KNOWN.items() if k in names} if mode.is_positive else {}
        paths = {p.name for p in operation.path_parameters}
        pinned = {k: v for k, v in (path_parameters or {}).items() if k in paths}
        strategy = operation.as_strategy(
            generation_mode=mode, query=fixed or None, path_parameters=pinned or None
        )

        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, excluded_checks=list(excluded))

        try:
            run()
        except FailureGroup as exc:
            failures.append(f"{operation.label}:\n{exc}")
        checked += 1
    assert checked >= 20, checked  # every endpoint of DESIGN §6 is in the schema
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize(
    ("mode", "examples"),
    [(GenerationMode.POSITIVE, 15), (GenerationMode.NEGATIVE, 8)],
    ids=["valid", "invalid"],
)
def test_a_partner_gets_no_5xx_and_only_documented_answers(api_schema, users, mode, examples):
    fuzz(api_schema, token_headers(users["partner"]), mode, examples)


def test_a_focal_points_writes_to_its_draft_conform_too(api_schema, users, world):
    # Writes reach the services here; their business refusals (an unknown indicator code,
    # say) are documented 4xx that no schema can predict, so "valid data is accepted" is
    # not asked of them — every other check is.
    fuzz(
        api_schema,
        token_headers(users["focal_phl"]),
        GenerationMode.POSITIVE,
        10,
        path_parameters={"id": str(world["draft"].pk)},
        excluded=[positive_data_acceptance],
    )
