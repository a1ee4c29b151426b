"""The message catalogue: both languages for every key, the same placeholders, safe HTML."""

from __future__ import annotations

import pytest

from bot.catalogue import CATALOGUE, LANGUAGES, Html, normalize_language, placeholders, t


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_every_language_with_the_same_placeholders(key: str) -> None:
    versions = CATALOGUE[key]
    assert set(versions) == set(LANGUAGES), f"{key}: languages {sorted(versions)}"
    for language in LANGUAGES:
        assert versions[language].strip(), f"{key}: empty {language} text"
    assert placeholders(versions["vi"]) == placeholders(versions["en"]), key


def test_parameters_are_escaped_unless_marked_safe() -> None:
    rendered = t("en", "welcome", name="<b>Eve</b> & co")
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; co" in rendered
    assert "<i>ok</i>" in t("en", "welcome", name=Html("<i>ok</i>"))


def test_language_codes_map_to_supported_languages() -> None:
    assert normalize_language("en-US") == "en"
    assert normalize_language("vi") == "vi"
    assert normalize_language("fr") == "vi"
    assert normalize_language(None, default="en") == "en"


def test_vietnamese_and_english_differ() -> None:
    assert t("vi", "not_registered") != t("en", "not_registered")
    assert "đăng ký" in t("vi", "not_registered")
