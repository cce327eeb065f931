"""The languages xtplay speaks and their message catalogs.

Every sentence a person reads is an English msgid looked up in a gettext catalog at display
time. Code below the web layer (errors, services) cannot know who reads a message, so it marks
its sentences with :func:`N_` where they are written and the web layer translates them when
it shows them. Catalogs are the ``.po`` files under ``xtplay/locale/`` (``pybabel extract``
and ``pybabel update`` keep them, see the README); they are compiled in memory on first use,
so no binary catalog is kept beside them and a fresh checkout needs no build step.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

#: Where the catalogs live: ``<lang>/LC_MESSAGES/messages.po`` and the template ``messages.pot``.
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
#: The language the sources are written in.
SOURCE_LANGUAGE = "en"
#: Every language offered, by code, named in itself (as a language menu shows them).
LANGUAGES = {"en": "English", "fr": "Français"}


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is written; it is translated where it is shown."""
    return message


class Phrase(str):
    """A marked part of a sentence (what a provider sent, why a link is refused) given to an error as
    a value: it reads as its English text, and the web layer translates it with the sentence."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Phrase:
        phrase = super().__new__(cls, template % params if params else template)
        phrase.template, phrase.params = template, dict(params or {})
        return phrase


def catalog_path(language: str) -> Path:
    """The ``.po`` file of ``language``."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog of ``language`` (fuzzy entries left out, as gettext does); the
    source language and an unknown one give the English msgids back unchanged."""
    path = catalog_path(language)
    if language == SOURCE_LANGUAGE or language not in LANGUAGES or not path.exists():
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@functools.cache
def catalog_messages(language: str) -> dict[str, str]:
    """The singular msgids of ``language`` that have a translation (fuzzy ones left out), to
    read an English sentence made earlier back into its msgid and values."""
    path = catalog_path(language)
    if language == SOURCE_LANGUAGE or language not in LANGUAGES or not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}
