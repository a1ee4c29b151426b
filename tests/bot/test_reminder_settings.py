"""[reminders], [calendar] and [digest]: documented defaults, validation naming the key."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.reminder_config import reminder_config
from bot.settings import ConfigError, Settings, load_settings, settings_from_mapping
from schedules.policy import ReminderPolicy

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_the_example_and_the_defaults_give_the_issues_policy() -> None:
    from_example = reminder_config(load_settings(EXAMPLE, environ={}))
    from_defaults = reminder_config(Settings())
    for config in (from_example, from_defaults):
        assert config.policy == ReminderPolicy()
        assert config.calendar.workdays == frozenset(range(5))
        assert (config.calendar.start, config.calendar.end) == (time(8), time(17))
        assert (config.digest_weekday, config.digest_time) == (0, time(8))
        assert config.tick == timedelta(seconds=60)
        assert (config.max_attempts, config.backoff) == (5, timedelta(seconds=30))


def test_custom_values_are_read() -> None:
    settings = settings_from_mapping(
        {
            "reminders": {
                "days_before": [1, 10],
                "meeting_before": ["30m", "1d"],
                "time_of_day": "09:15",
                "late_send_max_age_days": 2,
            },
            "calendar": {
                "workdays": ["Mon", "tue", "wed", "thu", "fri", "sat"],
                "start": "07:30",
                "extra_holidays": [date(2024, 4, 29), "2024-05-03"],
                "extra_workdays": ["2024-05-04"],
            },
            "digest": {"weekday": "Friday", "time": time(16, 30)},
        },
        environ={},
    )
    config = reminder_config(settings)
    assert config.policy.task_days_before == (10, 1)
    assert config.policy.meeting_before == (timedelta(days=1), timedelta(minutes=30))
    assert config.policy.reminder_hour == time(9, 15)
    assert config.policy.late_send_max_age == timedelta(days=2)
    assert config.calendar.workdays == frozenset(range(6))
    assert config.calendar.start == time(7, 30)
    assert config.calendar.extra_holidays == {date(2024, 4, 29), date(2024, 5, 3)}
    assert config.calendar.is_working_day(date(2024, 5, 4))
    assert (config.digest_weekday, config.digest_time) == (4, time(16, 30))


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"reminders": {"days_before": [0]}}, "reminders.days_before"),
        ({"reminders": {"days_before": "14"}}, "reminders.days_before"),
        ({"reminders": {"on_the_day": "yes"}}, "reminders.on_the_day"),
        ({"reminders": {"time_of_day": "8h"}}, "reminders.time_of_day"),
        ({"reminders": {"overdue_every_working_days": 0}}, "reminders.overdue_every_working_days"),
        ({"reminders": {"escalate_after_overdue": -1}}, "reminders.escalate_after_overdue"),
        ({"reminders": {"meeting_before": ["2 hours"]}}, "reminders.meeting_before"),
        ({"reminders": {"meeting_before": "2h"}}, "reminders.meeting_before"),
        ({"reminders": {"late_send_max_age_days": 0}}, "reminders.late_send_max_age_days"),
        ({"reminders": {"dispatcher_tick_seconds": 1}}, "reminders.dispatcher_tick_seconds"),
        ({"reminders": {"max_attempts": True}}, "reminders.max_attempts"),
        (
            {"reminders": {"backoff_seconds": 60, "backoff_max_seconds": 30}},
            "reminders.backoff_max_seconds",
        ),
        ({"reminders": {"snooze": 1}}, "reminders.snooze"),
        ({"calendar": {"workdays": []}}, "calendar.workdays"),
        ({"calendar": {"workdays": ["funday"]}}, "calendar.workdays"),
        ({"calendar": {"end": "07:00"}}, "calendar.end"),
        ({"calendar": {"start": "25:00"}}, "calendar.start"),
        ({"calendar": {"extra_holidays": ["30/4/2024"]}}, "calendar.extra_holidays"),
        (
            {"calendar": {"extra_holidays": ["2024-05-04"], "extra_workdays": ["2024-05-04"]}},
            "calendar.extra_workdays",
        ),
        ({"digest": {"weekday": "thứ hai"}}, "digest.weekday"),
        ({"digest": {"time": 8}}, "digest.time"),
    ],
)
def test_a_bad_value_names_its_key(raw: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping(raw, environ={})
    assert error.value.key == key
