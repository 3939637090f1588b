"""A real dead Redis for the tests of what happens without it: a second process whose
REDIS_URL names a closed port (no mock), sharing the test database."""

import os
import socket
import subprocess
import sys

import pytest
from django.db import connection

from tests.worker import ROOT, database_url

# The process shares the test database: the test's rows must be committed, and the database
# must be PostgreSQL (the in-memory SQLite database is the test process's own).
needs_shared_database = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs DATABASE_URL and REDIS_URL: a second process shares the database",
    ),
    pytest.mark.django_db(transaction=True),
]


def closed_port() -> int:
    """A port nothing listens on: bound, then let go."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def dead_redis() -> str:
    return f"redis://127.0.0.1:{closed_port()}/0"


def without_redis(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `script` (Python, Django set up by it) with Redis gone; it must exit 0."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "coherence.settings",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": dead_redis(),
            "LOG_LEVEL": "WARNING",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done
