"""The message catalogs against the sources, read as ``pybabel extract`` reads them (``babel.cfg``):
every sentence of the code, templates and scripts is in the template ``messages.pot`` and has a
complete, non-fuzzy French translation whose fields match the English ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from xtplay import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "tr": None}  #: as the README's pybabel command
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]
_FIELDS = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{\w+\}")


def extracted() -> dict[str | tuple[str, ...], set[str]]:
    """msgid → the files it comes from, extracted from the sources now."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str | tuple[str, ...], set[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.setdefault(message, set()).add(filename)
    return found


@pytest.fixture(scope="module")
def sources() -> dict[str | tuple[str, ...], set[str]]:
    found = extracted()
    assert len(found) > 300, "the extraction found too few sentences: is babel.cfg still right?"
    return found


def _read(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_the_template_holds_exactly_the_sentences_of_the_sources(sources):
    pot = _read(i18n.LOCALE_DIR / "messages.pot")
    in_pot = {_key(m.id) for m in pot if m.id}
    in_sources = {_key(m) for m in sources}
    missing, stale = sorted(in_sources - in_pot), sorted(in_pot - in_sources)
    assert not missing and not stale, (f"messages.pot is out of date (see the README): missing {missing[:10]}, "
                                       f"no longer used {stale[:10]}")


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_sentence_is_translated(sources, language):
    catalog = _read(i18n.catalog_path(language))
    untranslated = []
    for message_id, files in sorted(sources.items(), key=lambda m: _key(m[0])):
        entry = catalog.get(message_id if isinstance(message_id, str) else message_id[0])
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings):
            untranslated.append(f"{_key(message_id)!r} ({', '.join(sorted(files))})")
    assert not untranslated, f"{len(untranslated)} sentences without a {language} translation:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_fields_of_their_sentence(language):
    catalog = _read(i18n.catalog_path(language))
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(_FIELDS.findall(i) for i in ids))
        wrong += [f"{ids[0]!r} → {text!r}" for text in strings if set(_FIELDS.findall(text)) != wanted]
    errors = [f"{entry.id!r}: {error}" for entry, errors in catalog.check() for error in errors]
    assert not wrong and not errors, "\n".join(wrong + errors)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_compiles_and_translates(language):
    translations = i18n.translations(language)
    assert translations.ugettext("Settings") != "Settings"
    assert i18n.translations(i18n.SOURCE_LANGUAGE).ugettext("Settings") == "Settings"
