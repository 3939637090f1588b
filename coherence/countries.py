"""Countries named in the reader's language, from pycountry's ISO 3166 catalogues; the
stored (English) name where a catalogue has none (Kosovo, XKX)."""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=8)
def _catalogue(language: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


@lru_cache(maxsize=8)
def _names(language: str) -> dict[str, str]:
    catalogue = _catalogue(language)
    if catalogue is None:
        return {}
    names = {}
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        if common and catalogue.gettext(common) != common:
            names[c.alpha_3] = catalogue.gettext(common)
        elif catalogue.gettext(c.name) != c.name:
            names[c.alpha_3] = catalogue.gettext(c.name)
    return names


@lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    return {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def country_name(iso3: str, stored: str | None = None) -> str:
    """The country's name in the active language; in English, or where the language has
    none, `stored` (the catalogue's name), else pycountry's, else the code."""
    language = (get_language() or "en")[:2]
    if language != "en":
        name = _names(language).get(iso3)
        if name:
            return name
    return stored or _english().get(iso3) or iso3
