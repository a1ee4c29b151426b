"""The inbox: an answer sent late after a restart, and what /doctor says about waiting updates."""

TEXTS: dict[str, dict[str, str]] = {
    "inbox_late_answer": {
        "vi": "⏱ <i>Trả lời muộn cho tin nhắn của bạn lúc {time}.</i>",
        "en": "⏱ <i>A late answer to your message of {time}.</i>",
    },
    "doctor_inbox_ok": {
        "vi": "Mọi tin nhắn nhận được đều đã được xử lý và trả lời",
        "en": "Every update received has been handled and answered",
    },
    "doctor_inbox_overdue": {
        "vi": "{count} tin nhắn nhận được hơn 1 phút vẫn chưa được xử lý hoặc trả lời",
        "en": "{count} update(s) received more than a minute ago are not yet handled or answered",
    },
}
