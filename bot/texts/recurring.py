"""Recurring tasks (issue 17): schedules as read, the current period and its record."""

TEXTS: dict[str, dict[str, str]] = {
    "recurrence_no_periods": {
        "vi": "Lịch định kỳ này không còn kỳ nào từ hôm nay: kiểm tra lại năm kết thúc.",
        "en": "This schedule has no period left from today: check its last year.",
    },
    "recurrence_due_fixed": {
        "vi": (
            "Việc #{task_id} là việc định kỳ: thời hạn của từng kỳ theo lịch đã giao; "
            "muốn lùi hạn một kỳ, hãy gửi đề nghị gia hạn."
        ),
        "en": (
            "Task #{task_id} recurs: each period's deadline follows its schedule; "
            "to move one period's deadline, request an extension."
        ),
    },
    "task_period_line": {
        "vi": "🔁 Kỳ hiện tại: {period}, hạn {deadline}, {category} · {on_time}/{counted} kỳ đúng hạn",
        "en": "🔁 Current period: {period}, due {deadline}, {category} · {on_time}/{counted} periods on time",
    },
    "status_periods_line": {
        "vi": "🔁 Việc định kỳ: {tasks} việc · các kỳ: {counts} · {on_time}/{counted} kỳ đúng hạn",
        "en": "🔁 Recurring tasks: {tasks} · periods: {counts} · {on_time}/{counted} on time",
    },
    "imp_err_recurrence_changed": {
        "vi": (
            "Nhiệm vụ {clause} đã có lịch định kỳ khác (hoặc không định kỳ): không đổi lịch khi "
            "nhập lại tệp. Hãy hủy nhiệm vụ và giao lại với lịch mới."
        ),
        "en": (
            "Task {clause} already has another schedule (or none): a re-import does not change "
            "it. Cancel the task and assign it again with the new schedule."
        ),
    },
    "period_completion_confirmed": {
        "vi": "✅ Đã xác nhận hoàn thành nhiệm vụ #{id}, kỳ {period}: {category}.",
        "en": "✅ Completion of task #{id} for {period} confirmed: {category}.",
    },
    "period_completion_rejected": {
        "vi": "↩️ Chưa xác nhận hoàn thành nhiệm vụ #{id}, kỳ {period}: kỳ này mở lại.",
        "en": "↩️ Completion of task #{id} for {period} not accepted: the period is open again.",
    },
    "hist_action_task_confirm_period": {
        "vi": "xác nhận hoàn thành một kỳ",
        "en": "completion of a period confirmed",
    },
    "hist_action_task_reject_period_completion": {
        "vi": "chưa xác nhận hoàn thành một kỳ",
        "en": "completion of a period not accepted",
    },
    # --- the letter intake (db/intake/recurring.py) ---------------------------------------
    "intake_due_schedule": {
        "vi": "🔁 {reading}",
        "en": "🔁 {reading}",
    },
    "intake_warn_recurring_no_period": {
        "vi": (
            "«{text}»: nhiệm vụ định kỳ nhưng không rõ kỳ (tháng, quý, 6 tháng, năm): chưa ghi "
            "hạn; hãy nhập lịch, ví dụ «hằng quý, trước ngày 20 của tháng cuối quý»."
        ),
        "en": (
            "“{text}”: a recurring duty without a readable period (month, quarter, half-year, "
            "year): none set; type its schedule, e.g. “every quarter by the 20th of its last "
            "month”."
        ),
    },
    "intake_warn_recurring_unclear": {
        "vi": (
            "«{text}»: chưa đọc được lịch định kỳ (thiếu hoặc thừa thông tin): chưa ghi hạn; hãy "
            "nhập lịch, ví dụ «hằng năm, trước ngày 15 tháng 12»."
        ),
        "en": (
            "“{text}”: the recurring schedule cannot be read whole: none set; type it, e.g. "
            "“every year by 15 December”."
        ),
    },
    "intake_schedule_unreadable": {
        "vi": (
            "Không đọc được lịch định kỳ «{text}». Ví dụ: hằng tháng, trước ngày 25; hằng quý, "
            "trước ngày 20 của tháng cuối quý; 6 tháng và hằng năm; hằng năm, trước ngày 15 "
            "tháng 12."
        ),
        "en": (
            "Cannot read the schedule “{text}”. Examples: hằng tháng, trước ngày 25; hằng quý, "
            "trước ngày 20 của tháng cuối quý; 6 tháng và hằng năm; hằng năm, trước ngày 15 "
            "tháng 12."
        ),
    },
    "intake_warn_recurring_over": {
        "vi": (
            "«{text}»: lịch định kỳ này không còn kỳ nào từ hôm nay (năm kết thúc đã qua): "
            "sửa thời hạn hoặc bỏ nhiệm vụ trước khi nhập."
        ),
        "en": (
            "“{text}”: this schedule has no period left from today (its last year is over): "
            "change the deadline or drop the task before importing."
        ),
    },
    "recurrence_edit_not_open": {
        "vi": (
            "Nhiệm vụ #{task_id} đang chờ xác nhận hoàn thành: chưa chuyển thành việc định kỳ. "
            "Hãy xác nhận (hoặc trả lại) rồi sửa lại."
        ),
        "en": (
            "Task #{task_id} awaits a completion decision: it is not made recurring yet. "
            "Confirm (or send back) first, then edit again."
        ),
    },
}
