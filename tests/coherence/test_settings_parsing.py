"""Settings are read strictly from the environment (DESIGN §8, STYLE "Settings"): a bad
value stops start-up with a message naming the variable; no variable at all gives the
laptop defaults; production values pass `check --deploy`.

Each case starts Django in a fresh interpreter, since settings are read once at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Every variable these tests set, removed from the inherited environment first so that
# a developer's or CI's own values cannot leak into a case.
UNDER_TEST = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_TASK_TIME_LIMIT",
    "CELERY_VISIBILITY_TIMEOUT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SITE_URL",
)

PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "k3y-" + "x7Qp9LmZ2vR8tW4sN6yB1cD5fG0hJ3" + "aE9uI2oK6pL8mN4bV7cX1zS5dF",
    "ALLOWED_HOSTS": "coherence.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://coherence.example.org",
}

SETUP = "import django; django.setup()"

PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from coherence.celery import app
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "broker_url": app.conf.broker_url,
    "task_always_eager": app.conf.task_always_eager,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
}))
"""


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in UNDER_TEST}
    env["DJANGO_SETTINGS_MODULE"] = "coherence.settings"
    env.update(variables)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def start(**variables: str) -> subprocess.CompletedProcess:
    return run(["-c", SETUP], **variables)


def settings_values(**variables: str) -> dict:
    result = run(["-c", PRINT_SETTINGS], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode != 0, f"start-up should fail naming {words}:\n{result.stdout}"
    assert "ImproperlyConfigured" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    for word in words:
        assert word in last, f"the error should name {word}: {last}"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        pytest.param({"DEBUG": "maybe"}, "DEBUG", id="debug-not-a-boolean"),
        pytest.param({"DEBUG": "off"}, "SECRET_KEY", id="no-secret-key-in-production"),
        pytest.param(
            {"DEBUG": "off", "SECRET_KEY": "short-key", "ALLOWED_HOSTS": "example.org"},
            ("SECRET_KEY", "50"),
            id="short-secret-key-in-production",
        ),
        pytest.param(
            {"DEBUG": "off", "SECRET_KEY": PRODUCTION["SECRET_KEY"]},
            "ALLOWED_HOSTS",
            id="no-allowed-hosts-in-production",
        ),
        pytest.param({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", id="database-url-scheme"),
        pytest.param({"REDIS_URL": "http://x"}, "REDIS_URL", id="redis-url-scheme"),
        pytest.param(
            {"CELERY_TASK_TIME_LIMIT": "abc"},
            "CELERY_TASK_TIME_LIMIT",
            id="time-limit-not-an-integer",
        ),
        pytest.param(
            {"CELERY_TASK_SOFT_TIME_LIMIT": "60", "CELERY_TASK_TIME_LIMIT": "60"},
            "CELERY_TASK_TIME_LIMIT",
            id="time-limit-equal-to-soft-limit",
        ),
        pytest.param(
            {"CELERY_TASK_SOFT_TIME_LIMIT": "60", "CELERY_TASK_TIME_LIMIT": "30"},
            "CELERY_TASK_TIME_LIMIT",
            id="time-limit-below-soft-limit",
        ),
        pytest.param(
            {"CSRF_TRUSTED_ORIGINS": "example.org"},
            "CSRF_TRUSTED_ORIGINS",
            id="csrf-origin-without-scheme",
        ),
        pytest.param({"SITE_URL": "coherence.example.org"}, "SITE_URL", id="site-url-scheme"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variables, named):
    assert_refused(start(**variables), *([named] if isinstance(named, str) else named))


def test_no_variables_give_the_laptop_defaults():
    values = settings_values()
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is True
    assert values["task_always_eager"] is True


def test_production_values_pass_the_deploy_check():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_redis_url_becomes_the_broker_and_tasks_leave_the_process():
    values = settings_values(REDIS_URL="redis://cache.internal:6379/0")
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["broker_url"] == "redis://cache.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] is False
    assert values["task_always_eager"] is False
    assert values["CACHE_BACKEND"] == "django.core.cache.backends.redis.RedisCache"


SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


@pytest.mark.parametrize(
    ("variables", "site"),
    [
        pytest.param({}, "http://127.0.0.1:8000", id="laptop"),
        pytest.param(PRODUCTION, "https://coherence.example.org", id="first-allowed-host"),
        pytest.param(
            {**PRODUCTION, "SITE_URL": "https://www.example.org"},
            "https://www.example.org",
            id="set",
        ),
    ],
)
def test_mails_link_to_the_site(variables, site):
    """The discussion's mails, sent by a worker with no request, link to SITE_URL."""
    result = run(["-c", f"{SETUP}; {SITE_URL}"], **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == site
