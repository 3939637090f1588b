"""The French and Spanish catalogues, regenerated over the whole project and compiled:
`python -m coherence.messages` (or `make messages`). The test that a catalogue is up to
date (tests/pages/test_translations.py) runs the same makemessages on a copy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("fr", "es")
# File names only, not line numbers: an edit elsewhere in a file moves no entry.
MAKEMESSAGES = {
    "locale": list(LANGUAGES),
    "add_location": "file",
    "no_obsolete": True,
    "ignore_patterns": ["tests/*", "bench/*", "*.egg-info/*", "test-artifacts/*", "static/*"],
    "verbosity": 0,
}


def regenerate(root: Path = ROOT) -> None:
    """makemessages for every language over `root`, which must hold a locale/ folder."""
    from django.core.management import call_command

    here = os.getcwd()
    os.chdir(root)
    try:
        call_command("makemessages", **MAKEMESSAGES)
    finally:
        os.chdir(here)


def compile_catalogues(root: Path = ROOT) -> None:
    for language in LANGUAGES:
        folder = root / "locale" / language / "LC_MESSAGES"
        subprocess.run(  # noqa: S603 - fixed arguments, our own files
            ["msgfmt", "--check", "-o", str(folder / "django.mo"), str(folder / "django.po")],  # noqa: S607
            check=True,
        )


if __name__ == "__main__":
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coherence.settings")
    django.setup()
    regenerate()
    compile_catalogues()
