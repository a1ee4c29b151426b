"""Every text a user sees, in Vietnamese (the default) and English.

Texts live in ``bot/texts/<feature>.py`` as ``TEXTS = {key: {"vi": ..., "en": ...}}`` so the two
languages of one message sit side by side. Messages are Telegram HTML: :func:`t` escapes every
parameter unless it is wrapped in :class:`Html` (already-safe markup made by the renderer).
"""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
import string
from collections.abc import Mapping

import bot.texts

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


class Html(str):
    """A string that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module_info in pkgutil.iter_modules(bot.texts.__path__):
        module = importlib.import_module(f"bot.texts.{module_info.name}")
        texts: Mapping[str, dict[str, str]] = module.TEXTS
        for key, versions in texts.items():
            if key in merged:
                raise RuntimeError(f"catalogue key {key!r} defined twice")
            merged[key] = versions
    return merged


CATALOGUE: dict[str, dict[str, str]] = _load()


def normalize_language(language: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a Telegram ``language_code`` (e.g. ``en-US``) or a stored choice to vi/en."""
    if language:
        short = language.split("-")[0].lower()
        if short in LANGUAGES:
            return short
    return default


def t(lang: str, key: str, /, **params: object) -> Html:
    """The text ``key`` in ``lang`` with ``params`` filled in (escaped unless :class:`Html`)."""
    versions = CATALOGUE[key]
    template = versions.get(lang) or versions[DEFAULT_LANGUAGE]
    if lang == "en" and "s" in template:
        template = _singular(template, params)
    safe = {name: _safe(value) for name, value in params.items()}
    return Html(template.format(**safe))


# English: "{count} tasks" with a count of 1 reads "1 task" (Vietnamese nouns do not inflect).
_COUNTED_PLURAL = re.compile(r"\{(\w+)\} ([a-z]+?)(ies|s)\b")


def _singular(template: str, params: Mapping[str, object]) -> str:
    def one(match: re.Match[str]) -> str:
        value = params.get(match.group(1))
        stem, ending = match.group(2), match.group(3)
        if value == 1 and type(value) is int and not stem.endswith("s"):
            return "{" + match.group(1) + "} " + stem + ("y" if ending == "ies" else "")
        return match.group(0)

    return _COUNTED_PLURAL.sub(one, template)


def _safe(value: object) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


def placeholders(template: str) -> set[str]:
    """The named fields of a template (used by the catalogue's consistency test)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
