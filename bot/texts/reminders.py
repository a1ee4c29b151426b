"""Reminders, the weekly digest and /reminders."""

TEXTS: dict[str, dict[str, str]] = {
    # --- amounts --------------------------------------------------------------------------------
    "rem_n_day": {"vi": "1 ngày", "en": "1 day"},
    "rem_n_days": {"vi": "{n} ngày", "en": "{n} days"},
    "rem_n_hour": {"vi": "1 giờ", "en": "1 hour"},
    "rem_n_hours": {"vi": "{n} giờ", "en": "{n} hours"},
    "rem_n_minute": {"vi": "1 phút", "en": "1 minute"},
    "rem_n_minutes": {"vi": "{n} phút", "en": "{n} minutes"},
    # --- task reminders -------------------------------------------------------------------------
    "rem_head_before": {
        "vi": "⏰ <b>Nhắc việc</b>: còn {left} đến hạn hoàn thành{late}",
        "en": "⏰ <b>Reminder</b>: {left} until the deadline{late}",
    },
    "rem_head_due": {
        "vi": "⏰ <b>Nhắc việc</b>: hôm nay là hạn hoàn thành{late}",
        "en": "⏰ <b>Reminder</b>: the deadline is today{late}",
    },
    "rem_head_overdue": {
        "vi": "⚠️ <b>Quá hạn {late_by}</b>{late}",
        "en": "⚠️ <b>Overdue by {late_by}</b>{late}",
    },
    "rem_head_escalation": {
        "vi": (
            "🚨 <b>Báo cáo Văn phòng</b>: nhiệm vụ do {agency} chủ trì đã quá hạn {late_by}, "
            "đã nhắc {count} lần{late}"
        ),
        "en": (
            "🚨 <b>For the secretariat</b>: a task led by {agency} is overdue by {late_by}; "
            "reminded {count} times{late}"
        ),
    },
    "rem_head_nudge": {
        "vi": (
            "📝 <b>Đề nghị cập nhật tiến độ</b>: nhiệm vụ không có thời hạn và đã lâu chưa có "
            "cập nhật{late}"
        ),
        "en": (
            "📝 <b>Progress update requested</b>: this task has no deadline and no recent "
            "update{late}"
        ),
    },
    "rem_late": {"vi": " <i>(gửi muộn)</i>", "en": " <i>(sent late)</i>"},
    "rem_task_body": {
        "vi": "<b>{title}</b>\n{source}Cơ quan chủ trì: {agency}\nThời hạn: {due}",
        "en": "<b>{title}</b>\n{source}Lead agency: {agency}\nDeadline: {due}",
    },
    "rem_source": {
        "vi": "Văn bản: {number}{clause}\n",
        "en": "Document: {number}{clause}\n",
    },
    "rem_clause": {"vi": ", mục {clause}", "en": ", item {clause}"},
    "rem_due_read": {
        "vi": "{written} — đọc là {reading}",
        "en": "{written} — read as {reading}",
    },
    "rem_no_due": {"vi": "không có thời hạn", "en": "no deadline"},
    "rem_task_footer": {
        "vi": "↩️ Trả lời tin nhắn này để cập nhật tiến độ thực hiện.",
        "en": "↩️ Reply to this message to report progress.",
    },
    "rem_escalation_footer": {
        "vi": "Đề nghị Văn phòng đôn đốc cơ quan chủ trì.",
        "en": "Please follow up with the lead agency.",
    },
    "rem_button_snooze": {"vi": "🔁 Nhắc lại sau", "en": "🔁 Remind me later"},
    # --- meeting reminders ----------------------------------------------------------------------
    "rem_head_meeting_notice": {
        "vi": "📅 <b>Thông báo mời họp</b>{late}",
        "en": "📅 <b>Meeting notice</b>{late}",
    },
    "rem_head_meeting_before": {
        "vi": "📅 <b>Nhắc lịch họp</b>: còn {left} nữa{late}",
        "en": "📅 <b>Meeting reminder</b>: in {left}{late}",
    },
    "rem_meeting_body": {
        "vi": "<b>{title}</b>\n{council}\nThời gian: {when}\nĐịa điểm: {place}{link}",
        "en": "<b>{title}</b>\n{council}\nTime: {when}\nPlace: {place}{link}",
    },
    "rem_meeting_link": {"vi": "\nHọp trực tuyến: {link}", "en": "\nOnline: {link}"},
    "rem_to_be_announced": {"vi": "sẽ thông báo sau", "en": "to be announced"},
    # --- notices queued by other features (fallback wording) ------------------------------------
    "rem_head_notice": {
        "vi": "🔔 <b>Thông báo về nhiệm vụ #{id}</b>{late}",
        "en": "🔔 <b>Notice about task #{id}</b>{late}",
    },
    "rem_notice_update": {"vi": "Nội dung: {text}", "en": "Content: {text}"},
    # --- snooze ---------------------------------------------------------------------------------
    "rem_snoozed": {
        "vi": "Sẽ nhắc lại vào {time}.",
        "en": "I will remind you again at {time}.",
    },
    "reminder_not_found": {
        "vi": "Không tìm thấy lời nhắc này.",
        "en": "This reminder was not found.",
    },
    "reminder_not_yours": {
        "vi": "Lời nhắc này không gửi cho anh/chị nên anh/chị không thể hẹn nhắc lại.",
        "en": "This reminder was not sent to you, so you cannot postpone it.",
    },
    "reminder_snooze_closed": {
        "vi": "Nhiệm vụ hoặc cuộc họp này đã kết thúc; không cần nhắc lại.",
        "en": "This task or meeting is already closed; no need to remind you again.",
    },
    "reminder_snooze_too_late": {
        "vi": "Cuộc họp diễn ra trước thời điểm đó nên không thể hẹn nhắc lại.",
        "en": "The meeting starts before then, so the reminder cannot be postponed.",
    },
    # --- kinds and states -----------------------------------------------------------------------
    "rem_kind_task_before": {"vi": "Nhắc trước hạn", "en": "Before the deadline"},
    "rem_kind_task_due": {"vi": "Đến hạn", "en": "Due today"},
    "rem_kind_task_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "rem_kind_task_escalation": {"vi": "Báo Văn phòng", "en": "Escalation"},
    "rem_kind_task_nudge": {"vi": "Đề nghị cập nhật", "en": "Update requested"},
    "rem_kind_meeting_notice": {"vi": "Thông báo họp", "en": "Meeting notice"},
    "rem_kind_meeting_before": {"vi": "Nhắc lịch họp", "en": "Meeting reminder"},
    "rem_kind_meeting_agenda": {"vi": "Chuẩn bị nội dung họp", "en": "Meeting agenda digest"},
    "rem_kind_weekly_digest": {"vi": "Báo cáo tuần", "en": "Weekly digest"},
    "rem_kind_other": {"vi": "Thông báo", "en": "Notice"},
    "rem_state_failed": {"vi": "Gửi lỗi", "en": "Failed"},
    "rem_state_skipped": {"vi": "Bỏ qua (quá cũ)", "en": "Skipped (too old)"},
    "rem_weekday_0": {"vi": "Thứ Hai", "en": "Monday"},
    "rem_weekday_1": {"vi": "Thứ Ba", "en": "Tuesday"},
    "rem_weekday_2": {"vi": "Thứ Tư", "en": "Wednesday"},
    "rem_weekday_3": {"vi": "Thứ Năm", "en": "Thursday"},
    "rem_weekday_4": {"vi": "Thứ Sáu", "en": "Friday"},
    "rem_weekday_5": {"vi": "Thứ Bảy", "en": "Saturday"},
    "rem_weekday_6": {"vi": "Chủ nhật", "en": "Sunday"},
    # --- /reminders -----------------------------------------------------------------------------
    "cmd_reminders": {
        "vi": "Tin nhắc sắp gửi và tin gửi lỗi",
        "en": "Queued reminders and failed deliveries",
    },
    "reminders_usage": {
        "vi": "Cách dùng: /reminders [số ngày], ví dụ /reminders 14 (từ 1 đến {max} ngày).",
        "en": "Usage: /reminders [days], e.g. /reminders 14 (1 to {max} days).",
    },
    "reminders_head": {
        "vi": "🗓 <b>Tin nhắc sẽ gửi trong {days} ngày tới</b>: {count}",
        "en": "🗓 <b>Reminders due in the next {days} days</b>: {count}",
    },
    "reminders_none": {"vi": "Không có tin nhắc nào.", "en": "Nothing queued."},
    "reminders_day": {"vi": "<b>{weekday} {day}</b>", "en": "<b>{weekday} {day}</b>"},
    "reminders_line": {
        "vi": "{time} · {kind} · {title} → {recipient}{extra}",
        "en": "{time} · {kind} · {title} → {recipient}{extra}",
    },
    "reminders_retry": {
        "vi": " <i>(thử lại lúc {time}, đã thử {attempts} lần)</i>",
        "en": " <i>(retry at {time}, {attempts} attempts so far)</i>",
    },
    "reminders_waiting": {
        "vi": " <i>(chờ đến {time})</i>",
        "en": " <i>(held until {time})</i>",
    },
    "reminders_problems_head": {
        "vi": "⚠️ <b>Tin gửi lỗi hoặc bị bỏ qua trong {days} ngày qua</b>: {count}",
        "en": "⚠️ <b>Failed or skipped in the last {days} days</b>: {count}",
    },
    "reminders_problem_line": {
        "vi": "{when} · {state} · {kind} · {title} → {recipient}: {reason}",
        "en": "{when} · {state} · {kind} · {title} → {recipient}: {reason}",
    },
    "reminders_page": {"vi": "Trang {page}/{pages}", "en": "Page {page}/{pages}"},
    # --- weekly digest --------------------------------------------------------------------------
    "digest_head": {
        "vi": "📊 <b>Báo cáo tuần – {council}</b>{late}\nTừ {since} đến {until}",
        "en": "📊 <b>Weekly digest – {council}</b>{late}\nFrom {since} to {until}",
    },
    "digest_periods_part": {
        "vi": ", trong đó {count} kỳ của nhiệm vụ định kỳ",
        "en": ", of which {count} periods of recurring tasks",
    },
    "digest_counts_head": {
        "vi": "<b>Tình hình thực hiện nhiệm vụ</b> ({total} nhiệm vụ{periods})",
        "en": "<b>Tasks by status</b> ({total} tasks{periods})",
    },
    "digest_count_line": {"vi": "• {category}: {count}", "en": "• {category}: {count}"},
    "digest_changes_head": {
        "vi": "<b>Thay đổi trong tuần</b>",
        "en": "<b>Changes this week</b>",
    },
    "digest_change_line": {
        "vi": "• #{id} {title}: {updates} cập nhật tiến độ, {edits} thay đổi khác",
        "en": "• #{id} {title}: {updates} progress updates, {edits} other changes",
    },
    "digest_no_changes": {"vi": "Không có thay đổi.", "en": "No changes."},
    "digest_overdue_head": {
        "vi": "<b>Nhiệm vụ quá hạn theo cơ quan chủ trì</b>",
        "en": "<b>Overdue tasks by lead agency</b>",
    },
    "digest_overdue_agency": {
        "vi": "<b>{code}</b> – {name}: {count} nhiệm vụ",
        "en": "<b>{code}</b> – {name}: {count} tasks",
    },
    "digest_overdue_line": {
        "vi": "  – #{id} {title} (hạn {deadline}, quá {late_by})",
        "en": "  – #{id} {title} (due {deadline}, {late_by} overdue)",
    },
    "digest_no_overdue": {"vi": "Không có nhiệm vụ quá hạn.", "en": "No overdue tasks."},
    "digest_problems_head": {
        "vi": "<b>Tin nhắc không gửi được trong tuần</b>",
        "en": "<b>Reminders not delivered this week</b>",
    },
    "digest_problem_line": {
        "vi": "• {state} · {recipient} · {title}: {reason}",
        "en": "• {state} · {recipient} · {title}: {reason}",
    },
    "digest_no_problems": {
        "vi": "Mọi tin nhắc đều đã được gửi.",
        "en": "Every reminder was delivered.",
    },
    "digest_more": {"vi": "  … và {count} mục khác", "en": "  … and {count} more"},
}
