"""The pages speak English, French and Spanish: the catalogues are complete and compiled,
and the pages and indicator texts follow the user's language."""

import ast
import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from coherence.messages import regenerate

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "es")


def po_entries(language: str, root: Path = ROOT) -> list[dict]:
    """(msgctxt, msgid, msgid_plural, msgstrs, fuzzy) of a .po file, header left out."""
    entries, current, field = [], None, None
    text = (root / "locale" / language / "LC_MESSAGES" / "django.po").read_text("utf-8")

    def new() -> dict:
        return {"ctx": None, "id": None, "plural": None, "strs": {}, "fuzzy": False}

    for line in text.splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            current = current or new()
            current["fuzzy"] = True
        elif line.startswith("msgctxt "):
            current = current or new()
            current["ctx"], field = ast.literal_eval(line[8:]), ("ctx",)
        elif line.startswith("msgid "):
            current = current or new()
            current["id"], field = ast.literal_eval(line[6:]), ("id",)
        elif line.startswith("msgid_plural "):
            current["plural"], field = ast.literal_eval(line[13:]), ("plural",)
        elif line.startswith("msgstr"):
            index = int(line[7]) if line.startswith("msgstr[") else 0
            current["strs"][index] = ast.literal_eval(line.split(" ", 1)[1])
            field = ("strs", index)
        elif line.startswith('"') and current is not None:
            value = ast.literal_eval(line)
            if field[0] == "strs":
                current["strs"][field[1]] += value
            else:
                current[field[0]] += value
        elif not line.strip() and current is not None and current["id"] is not None:
            entries.append(current)
            current = None
    return [e for e in entries if e["id"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    entries = po_entries(language)
    assert len(entries) > 300
    untranslated = [e["id"] for e in entries if not all(e["strs"].values()) or e["fuzzy"]]
    assert untranslated == []
    # and "translated" means something: a French or Spanish text, not the English copied
    copied = [
        e["id"]
        for e in entries
        if e["strs"][0] == e["id"] and len(re.findall(r"[A-Za-z]{3,}", e["id"])) > 3
    ]
    assert copied == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(language):
    mo = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in po_entries(language):
        if entry["ctx"] is not None:
            assert catalogue.pgettext(entry["ctx"], entry["id"]) == entry["strs"][0], entry["id"]
        elif entry["plural"] is None:
            assert catalogue.gettext(entry["id"]) == entry["strs"][0], entry["id"]
        else:
            assert catalogue.ngettext(entry["id"], entry["plural"], 1) == entry["strs"][0]


def keyed(entries: list[dict]) -> dict:
    return {(e["ctx"], e["id"], e["plural"]): (e["strs"], e["fuzzy"]) for e in entries}


def test_makemessages_would_add_or_change_no_entry(tmp_path, settings):
    """makemessages over the whole project (as `make messages` runs it), on a copy: every
    string the code and templates mark is in both catalogues, none is left that they no
    longer mark, and none would turn fuzzy. Fails when a string was added or changed
    without `make messages` and its translation."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*",
            "__pycache__",
            "*.egg-info",
            "test-artifacts",
            "node_modules",
            "*.sqlite3",
            "static",
            "fixtures",
            "bench",
        ),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    regenerate(copy)
    for language in LANGUAGES:
        before, after = keyed(po_entries(language)), keyed(po_entries(language, copy))
        assert sorted(set(after) - set(before), key=str) == [], f"{language}: would be added"
        assert sorted(set(before) - set(after), key=str) == [], f"{language}: would be removed"
        changed = [key for key in before if before[key] != after[key]]
        assert changed == [], f"{language}: would change"


def our_template_strings() -> set[str]:
    """The literal {% translate "…" %} strings of the templates these pages use."""
    found = set()
    folders = [ROOT / "templates" / "assessments", ROOT / "templates" / "registration"]
    files = [ROOT / "templates" / "start.html", ROOT / "templates" / "base.html"]
    for path in files + [p for folder in folders for p in folder.glob("*.html")]:
        text = path.read_text("utf-8")
        found |= set(re.findall(r'{% translate "([^"]+)"', text))
        found |= set(re.findall(r"{% translate '([^']+)'", text))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_templates_is_in_the_catalogue(language):
    known = {e["id"] for e in po_entries(language)}
    assert our_template_strings() - known == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, heading, question, save",
    [
        ("fr", "Vos évaluations", "Question H-INS-01 ?", "Enregistrer"),
        ("es", "Sus evaluaciones", "¿Pregunta H-INS-01?", "Guardar"),
    ],
)
def test_the_pages_follow_the_users_language(
    client_of, in_state, language, heading, question, save
):
    assessment = in_state("draft")
    client = client_of("focal_phl")
    client.cookies["django_language"] = language
    start = client.get("/").content.decode()
    assert f"<h1>{heading}</h1>" in start and f'<html lang="{language}">' in start
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert question in page and save in page
    assert "Save at any time" not in page  # no English left in the template strings


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client_of, users):
    client = client_of("focal_phl")
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, follow=True)
    assert "<h1>Sus evaluaciones</h1>" in response.content.decode()
