"""docker-compose.yml describes the production-shaped stack (DESIGN §8). There is no
Docker engine on our machines, so CI only parses it: these checks are what a broken
file would fail first."""

from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"

APP_SERVICES = ("web", "worker", "beat")
ALL_SERVICES = (*APP_SERVICES, "postgres", "redis")


def service_id(name: str) -> str:
    # tests/conftest.py skips any test whose keywords include "worker" (the marker) unless
    # real services run; a bare parameter id "worker" would be taken for that marker.
    return f"service:{name}"


APP_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
)


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def environment_of(service: dict) -> dict:
    """A service's environment as a mapping, whichever of the two compose forms it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def command_of(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def test_the_stack_has_its_five_services(services):
    assert set(ALL_SERVICES) <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES, ids=service_id)
def test_each_app_service_reads_the_settings_variables(services, name):
    env = environment_of(services[name])
    missing = [v for v in APP_VARIABLES if v not in env]
    assert not missing, f"{name} lacks {missing}"


@pytest.mark.parametrize("name", APP_SERVICES, ids=service_id)
def test_each_app_service_points_at_the_stacks_own_database_and_redis(services, name):
    env = environment_of(services[name])
    assert env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    assert "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert str(env["DEBUG"]).lower() in {"off", "0", "false", "no"}


@pytest.mark.parametrize("name", ALL_SERVICES, ids=service_id)
def test_every_service_has_a_healthcheck(services, name):
    healthcheck = services[name].get("healthcheck")
    assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"


@pytest.mark.parametrize("name", ["postgres", "redis"])
def test_data_services_keep_their_data_in_volumes(services, name):
    assert services[name].get("volumes"), f"{name} has no volume"


@pytest.mark.parametrize(
    ("name", "subcommand"),
    [("worker", "worker"), ("beat", "beat")],
    ids=["celery-worker", "celery-beat"],
)
def test_worker_and_beat_run_celery(services, name, subcommand):
    words = command_of(services[name]).split()
    assert "celery" in words
    assert subcommand in words
    assert "coherence" in words  # -A coherence: the project's Celery app


def test_the_worker_consumes_the_heavy_queue_too(services):
    # The full recompute is routed to "heavy" (settings.CELERY_TASK_ROUTES).
    command = command_of(services["worker"])
    assert "heavy" in command
