"""Finding the line of a key in a TOML file, and reading typed values with every problem kept."""

from __future__ import annotations

from datetime import date

from db.toml_input import TomlInput, Where, locate

SOURCE = '''\
# a comment with key = "value" in it
number = "6411/VPCP-KTTH"  # trailing comment
title = """two
lines = with an equals sign
"""
councils = [
    "DBSH",
    "TN = not a key",
]

[[tasks]]
clause = "2.a.1"
text = 'a [ bracket and a # hash'

[[tasks]]
  lead = "BTC"
"quoted" = 1
[[meetings]]
agenda = ["one",
          "two"]
when = "Đầu tháng 12 năm 2023"
'''


def test_top_level_keys_and_tables_are_found_where_they_are_written() -> None:
    lines = locate(SOURCE)
    assert lines.of(None, None, "number") == 2
    assert lines.of(None, None, "title") == 3
    assert lines.of(None, None, "councils") == 6
    assert lines.headers == {"tasks": [11, 15], "meetings": [18]}


def test_keys_inside_strings_and_arrays_are_not_keys() -> None:
    lines = locate(SOURCE)
    assert "lines" not in lines.top
    assert "TN" not in lines.top
    assert lines.of("tasks", 0, "text") == 13
    assert lines.of("meetings", 0, "when") == 21


def test_each_entry_of_an_array_of_tables_has_its_own_keys() -> None:
    lines = locate(SOURCE)
    assert lines.of("tasks", 0, "clause") == 12
    assert lines.of("tasks", 1, "lead") == 16
    assert lines.of("tasks", 1, "quoted") == 17


def test_a_missing_key_points_at_its_entry_and_an_unknown_table_at_line_one() -> None:
    lines = locate(SOURCE)
    assert lines.of("tasks", 1, "clause") == 15
    assert lines.of("tasks", 7, "clause") == 11
    assert lines.of("nothing", 0, "x") == 1
    assert lines.of(None, None, "date") == 1


def test_typed_readers_report_problems_instead_of_raising() -> None:
    toml = TomlInput('a = 3\nb = "  "\nc = ["x", 2]\nd = 2023-08-19\ne = "2023-08-19"\nf = "ok"\n')
    top = Where()
    assert toml.string(toml.data, top, "a", limit=10) is None
    assert toml.string(toml.data, top, "b", limit=10) is None
    assert toml.strings(toml.data, top, "c", limit=10) is None
    assert toml.date(toml.data, top, "d") == date(2023, 8, 19)
    assert toml.date(toml.data, top, "e") is None
    assert toml.string(toml.data, top, "f", limit=1) is None
    assert toml.string(toml.data, top, "g", required=True, limit=10) is None
    assert [(issue.line, issue.field, issue.key) for issue in toml.issues] == [
        (1, "a", "file_err_type_string"),
        (2, "b", "file_err_empty"),
        (3, "c", "file_err_type_strings"),
        (5, "e", "file_err_type_date"),
        (6, "f", "file_err_too_long"),
        (1, "g", "file_err_required"),
    ]


def test_whitespace_runs_are_collapsed_in_single_line_strings() -> None:
    toml = TomlInput('text = """Đôn đốc\n   các cơ quan"""\n')
    assert toml.string(toml.data, Where(), "text", limit=100) == "Đôn đốc các cơ quan"


def test_a_syntax_error_is_one_issue_with_tomllibs_line_and_column() -> None:
    toml = TomlInput('number = "6411"\ntitle = "unclosed\n')
    assert not toml.parsed
    (issue,) = toml.issues
    assert (issue.line, issue.key) == (2, "file_err_toml")
    assert issue.params["column"] == 18


def test_field_labels_count_entries_from_one() -> None:
    assert Where("tasks", 0).label("lead") == "tasks[1].lead"
    assert Where().label("number") == "number"
