"""User text normalized once: NFC, invisible characters out, look-alikes read as Vietnamese."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from db.errors import InvalidInput
from db.models import Agency, Task
from db.text_input import clean_code, clean_text, normalize_text
from schedules.clock import ManualClock
from tests.directives import import_source, load_example_registry, small_directive

INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u202e",
    "\u2066",
    "\x00",
    "\x07",
]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_only_text_is_refused(char: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text(char * 5 + " \n " + char, limit=100)
    assert refused.value.key == "text_empty"


def test_decomposed_vietnamese_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Đã trình dự thảo")
    assert normalize_text(decomposed) == "Đã trình dự thảo"


def test_spaces_collapse_and_lines_survive_only_where_allowed() -> None:
    assert normalize_text("  a \t  b\n\n\n\nc  ") == "a b\n\nc"
    assert normalize_text("a\nb", multiline=False) == "a b"


def test_lookalike_eth_reads_as_d_with_stroke() -> None:
    assert normalize_text("Ðề án") == "Đề án"
    assert clean_code("Ðbsh") == clean_code("ĐBSH") == "ĐBSH"


@pytest.mark.parametrize(
    "typed", ["bkhdt", " BKHĐT ".replace("Đ", "D"), "ＢＫＨＤＴ", "BKH\u200bDT", "ВКНDТ"]
)
def test_codes_read_the_same_however_typed(typed: str) -> None:
    assert clean_code(typed) == "BKHDT"


def test_the_limit_is_stated_in_the_refusal() -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text("x" * 501, limit=500)
    assert refused.value.key == "text_over_limit"
    assert refused.value.params == {"limit": 500, "length": 501}


@given(st.text())
def test_normalizing_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in once if c not in "\n\t")


def test_a_directive_file_is_normalized_as_typed_text_is(
    engine: Engine, clock: ManualClock
) -> None:
    load_example_registry(engine, clock)
    source = small_directive("ĐBSH".replace("Đ", "D"), lead="ВКНDТ")  # Cyrillic В, К, Н, Т
    source = source.replace("Báo cáo tình hình", "Báo\u200b cáo  tình\u00adhình")
    outcome = import_source(engine, clock, source)
    assert not outcome.issues
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        lead = session.get(Agency, task.lead_agency_id)
    assert task.title == "Báo cáo tìnhhình thực hiện"
    assert lead is not None and lead.code == "BKHDT"
    invisible_only = small_directive().replace("Báo cáo tình hình thực hiện", "\u200b\u200b")
    assert import_source(engine, clock, invisible_only).issues
