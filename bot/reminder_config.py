"""The reminder policy, working calendar and delivery knobs, built from the settings."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from bot.settings import Settings
from schedules.calendar import WorkingCalendar
from schedules.policy import ReminderPolicy
from schedules.reminders import ReminderConfig


@lru_cache(maxsize=8)
def reminder_config(settings: Settings) -> ReminderConfig:
    """One config per settings object (the calendar caches its holidays, so share it)."""
    reminders, calendar = settings.reminders, settings.calendar
    policy = ReminderPolicy(
        task_days_before=reminders.days_before,
        task_on_day=reminders.on_the_day,
        overdue_every_working_days=reminders.overdue_every_working_days,
        escalate_after_overdue=reminders.escalate_after_overdue,
        overdue_max_reminders=reminders.overdue_max_reminders,
        no_deadline_nudge_days=reminders.no_deadline_nudge_days,
        meeting_before=reminders.meeting_before,
        meeting_notice_on_create=reminders.meeting_notice,
        late_send_max_age=timedelta(days=reminders.late_send_max_age_days),
        reminder_hour=reminders.time_of_day,
    )
    return ReminderConfig(
        policy=policy,
        calendar=WorkingCalendar(
            tz=settings.app.timezone,
            workdays=calendar.workdays,
            start=calendar.start,
            end=calendar.end,
            extra_holidays=calendar.extra_holidays,
            extra_workdays=calendar.extra_workdays,
        ),
        admins=settings.access.admins,
        due_soon_days=settings.app.due_soon_days,
        tick=timedelta(seconds=reminders.dispatcher_tick_seconds),
        max_attempts=reminders.max_attempts,
        backoff=timedelta(seconds=reminders.backoff_seconds),
        backoff_max=timedelta(seconds=reminders.backoff_max_seconds),
        stale_claim_after=timedelta(minutes=reminders.stale_claim_minutes),
        digest_weekday=settings.digest.weekday,
        digest_time=settings.digest.time,
    )
