"""User text, normalized once: what a service stores is what a reader sees.

Every service that stores text a user typed (an update, a task's title, an edit, a meeting's
title, a broadcast, a code) passes it through :func:`clean_text` or :func:`clean_code`:

- Unicode NFC (a letter typed as base + combining marks is stored as one character);
- look-alike letters read as the Vietnamese ones ('Ð' U+00D0, the Icelandic eth, as 'Đ');
- zero-width, bidirectional and other invisible format characters and control characters
  removed (only line breaks survive, and only where the field may have several lines);
- runs of spaces collapsed, blank lines limited to one, the ends trimmed;
- then refused when nothing is left, or when it is longer than the field's limit (the limit
  is in the refusal).

It is a pure function of its input, so handlers call the same functions to check input before
a preview that the services call again before storing.
"""

from __future__ import annotations

import re
import unicodedata

from db.errors import InvalidInput

# Letters that look like Vietnamese ones and are typed by mistake (keyboard layouts, copy-paste
# from PDFs): read as the Vietnamese letter everywhere.
LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})
# In codes (ASCII letters and digits), Cyrillic and Greek capitals that look Latin.
CODE_LOOKALIKES = str.maketrans(
    {
        **dict(zip("АВСЕНКМОРТХ", "ABCEHKMOPTX", strict=True)),
        **dict(zip("ΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "ABEHIKMNOPTXYZ", strict=True)),
    }
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def _visible(char: str) -> bool:
    if char == "\n":
        return True
    category = unicodedata.category(char)
    # Cc: control characters; Cf: zero-width spaces and joiners, bidi marks and overrides,
    # soft hyphen, BOM; Co/Cs/Cn: private use, lone surrogates, unassigned.
    return category not in ("Cc", "Cf", "Co", "Cs", "Cn") or char == "\t"


def normalize_text(text: str, *, multiline: bool = True) -> str:
    """The normalized form of ``text`` (possibly empty); see the module's docstring."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(char for char in text.translate(LOOKALIKES) if _visible(char))
    if not multiline:
        text = text.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(
    text: str,
    *,
    limit: int,
    multiline: bool = True,
    empty_key: str = "text_empty",
) -> str:
    """``text`` normalized; :class:`InvalidInput` when empty or longer than ``limit``."""
    cleaned = normalize_text(text, multiline=multiline)
    if not cleaned:
        raise InvalidInput(empty_key)
    check_length(cleaned, limit)
    return cleaned


def check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise InvalidInput("text_over_limit", limit=limit, length=len(text))


def clean_key(text: str) -> str:
    """A token looked up as typed (an invitation code, a @username, a button's token):
    invisible and control characters removed (PostgreSQL refuses NUL), the ends trimmed,
    the case kept."""
    return "".join(char for char in text if _visible(char) and char != "\n").strip()


def clean_code(text: str) -> str:
    """A council or agency code as typed: compatibility forms (full-width letters), look-alike
    letters and invisible characters removed, upper case. May be empty."""
    text = unicodedata.normalize("NFKC", text).translate(LOOKALIKES)
    text = "".join(char for char in text if _visible(char) and not char.isspace())
    return text.upper().translate(CODE_LOOKALIKES)
