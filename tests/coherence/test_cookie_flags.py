"""The cookies the site sets carry the right flags: in production the language cookie,
like the session and CSRF cookies, is Secure, SameSite=Lax, and (but for CSRF, which
a page's form reads from the HTML, not the cookie) HttpOnly. Each case starts Django in a
fresh interpreter with production or laptop values, as tests/coherence/
test_settings_parsing.py does."""

import json

from tests.coherence.test_settings_parsing import PRODUCTION, run

COOKIES = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().post(
    "/i18n/setlang/", {"language": "fr", "next": "/"}, secure=True
)
language = response.cookies[settings.LANGUAGE_COOKIE_NAME]
print(json.dumps({
    "language": {
        "value": language.value,
        "secure": bool(language["secure"]),
        "httponly": bool(language["httponly"]),
        "samesite": language["samesite"],
    },
    "session": [
        settings.SESSION_COOKIE_SECURE,
        settings.SESSION_COOKIE_HTTPONLY,
        settings.SESSION_COOKIE_SAMESITE,
    ],
    "csrf": [settings.CSRF_COOKIE_SECURE, settings.CSRF_COOKIE_SAMESITE],
}))
"""


def cookies(**variables: str) -> dict:
    result = run(["-c", COOKIES], **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_samesite_and_httponly():
    flags = cookies(**PRODUCTION)
    assert flags["language"] == {
        "value": "fr",
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
    assert flags["session"] == [True, True, "Lax"]
    assert flags["csrf"] == [True, "Lax"]


def test_on_a_laptop_the_language_cookie_also_works_over_plain_http():
    flags = cookies()
    assert flags["language"] == {
        "value": "fr",
        "secure": False,
        "httponly": True,
        "samesite": "Lax",
    }
