"""One message per person per moment: the merged reminder and the reply that asks which task."""

TEXTS: dict[str, dict[str, str]] = {
    "merged_head": {
        "vi": "🔔 <b>{count} nhiệm vụ cần anh/chị lưu ý</b>{late}",
        "en": "🔔 <b>{count} tasks need your attention</b>{late}",
    },
    "merged_item": {
        "vi": "{n}. <b>#{id}</b> {title}\n    Hạn: {due} · {status}",
        "en": "{n}. <b>#{id}</b> {title}\n    Deadline: {due} · {status}",
    },
    "merged_footer": {
        "vi": (
            "Bấm nút của nhiệm vụ để cập nhật, hoặc trả lời tin này và ghi số nhiệm vụ "
            "(ví dụ: <code>#{example} 50% đã trình</code>)."
        ),
        "en": (
            "Press a task's button to report on it, or reply to this message naming the task "
            "(e.g. <code>#{example} 50% submitted</code>)."
        ),
    },
    "merged_status_before": {"vi": "còn {left}", "en": "{left} left"},
    "merged_status_due": {"vi": "đến hạn hôm nay", "en": "due today"},
    "merged_status_overdue": {"vi": "quá hạn {late_by}", "en": "overdue by {late_by}"},
    "merged_status_nudge": {"vi": "chưa có cập nhật", "en": "no update yet"},
    "merged_status_escalation": {
        "vi": "quá hạn {late_by}, {agency} chủ trì, đã nhắc {count} lần",
        "en": "overdue by {late_by}, led by {agency}, reminded {count} times",
    },
    "merged_status_assigned": {"vi": "mới được giao", "en": "newly assigned"},
    "merged_button": {"vi": "✏️ #{id} {title}", "en": "✏️ #{id} {title}"},
    "merged_which_task": {
        "vi": "Nội dung này cập nhật cho nhiệm vụ nào? Bấm nút của nhiệm vụ đó.",
        "en": "Which task is this update about? Press its button.",
    },
    "merged_names_several": {
        "vi": (
            "Tin trả lời này nhắc đến nhiều nhiệm vụ ({ids}) nên chưa được ghi nhận. "
            "Hãy trả lời riêng cho từng nhiệm vụ, mỗi tin ghi một số nhiệm vụ."
        ),
        "en": (
            "This reply names several tasks ({ids}), so it was not recorded. "
            "Please reply once per task, naming one task in each."
        ),
    },
    "merged_reply_gone": {
        "vi": "Nội dung trả lời đã được ghi hoặc đã hết hạn. Hãy gửi lại.",
        "en": "That reply was already recorded or has expired. Please send it again.",
    },
}
