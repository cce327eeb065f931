"""Every message a person can see is words, not machinery: no exception class names (ours,
Python's, httpx's), no tracebacks or errno, wherever the message is made — each error of the
tree, the player's and pages' own texts, and code that would paste a class name into one."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx

from xtplay import errors

SRC = Path(__file__).resolve().parents[2] / "src" / "xtplay"


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


ERRORS = [errors.XtplayError, *_subclasses(errors.XtplayError)]
CLASS_NAMES = {c.__name__ for c in ERRORS} | {name for name in dir(httpx) if name.endswith(("Error", "Exception",
                                                                                                 "Timeout"))}
CLASS_NAMES |= {"Exception", "ValueError", "TypeError", "KeyError", "OSError", "RuntimeError", "NoneType"}
JARGON = re.compile(r"\b(" + "|".join(sorted(map(re.escape, CLASS_NAMES))) + r")\b|Traceback|\[Errno|errno")


def _sample(param: inspect.Parameter) -> object:
    hint = str(param.annotation)
    if "datetime" in hint:
        return datetime(2026, 1, 1, tzinfo=UTC)
    if "float" in hint:
        return 2.5
    if "int" in hint:
        return 3
    if "dict" in hint:
        return {}
    if "list" in hint or "tuple" in hint:
        return []
    return "tv.example.com"


def _instances():
    for cls in ERRORS:
        params = [p for p in inspect.signature(cls.__init__).parameters.values()
                  if p.name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
        try:
            yield cls(*[_sample(p) for p in params])
        except TypeError:
            yield cls("Something went wrong.")


def test_every_error_of_the_tree_speaks_words():
    made = list(_instances())
    assert len(made) == len(ERRORS) > 20
    for exc in made:
        for text in (str(exc), getattr(exc, "title", "")):
            assert not JARGON.search(text), f"{type(exc).__name__}: {text!r}"


def test_no_code_pastes_a_class_name_into_a_message():
    pasted = re.compile(r"(type\(\w+\)|__class__)\.__name__")
    offenders = []
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pasted.search(line) and "log." not in line:
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert offenders == []


def test_page_and_player_texts_speak_words():
    literal = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
    for path in [*(SRC / "web" / "static" / "js").glob("*.js"), *(SRC / "web" / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        strings = literal.findall(text) if path.suffix == ".js" else [re.sub(r"<[^>]+>|{[{%#].*?[}%#]}", " ", text)]
        for s in strings:
            assert not JARGON.search(s), f"{path.name}: {s[:120]!r}"
