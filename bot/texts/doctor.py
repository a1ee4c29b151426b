"""/doctor and /setgroup."""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_doctor": {
        "vi": "Kiểm tra tình trạng hoạt động của bot",
        "en": "Check what could stop the bot",
    },
    "cmd_setgroup": {
        "vi": "Gắn nhóm Telegram này với một Hội đồng",
        "en": "Link this Telegram group to a council",
    },
    "doctor_header": {"vi": "<b>🩺 Kiểm tra hệ thống</b>", "en": "<b>🩺 System check</b>"},
    "doctor_summary_ok": {"vi": "Không phát hiện vấn đề.", "en": "No problems found."},
    "doctor_summary": {
        "vi": "Có {count} vấn đề cần xử lý.",
        "en": "{count} problem(s) need attention.",
    },
    "doctor_token_ok": {
        "vi": "Token hợp lệ (bot @{username})",
        "en": "Token valid (bot @{username})",
    },
    "doctor_token_bad": {
        "vi": "Token không hợp lệ hoặc đã bị thu hồi: lấy token mới từ @BotFather",
        "en": "The token is invalid or revoked: get a new one from @BotFather",
    },
    "doctor_telegram_unreachable": {
        "vi": "Không kết nối được máy chủ Bot API ({error})",
        "en": "The Bot API server cannot be reached ({error})",
    },
    "doctor_webhook_polling": {
        "vi": "Chế độ polling, không có webhook nào được đặt",
        "en": "Polling mode, no webhook set",
    },
    "doctor_webhook_set_while_polling": {
        "vi": "Đang chạy polling nhưng Telegram vẫn đặt webhook {url}: polling sẽ không nhận được tin",
        "en": "Running in polling mode but a webhook is set to {url}: polling receives nothing",
    },
    "doctor_webhook_mismatch": {
        "vi": "Webhook đang trỏ tới {url}, cấu hình là {expected}",
        "en": "The webhook points to {url}; the configuration says {expected}",
    },
    "doctor_webhook_error": {
        "vi": "Telegram báo lỗi khi gửi tới webhook: {error} ({pending} cập nhật đang chờ)",
        "en": "Telegram reports a webhook delivery error: {error} ({pending} updates pending)",
    },
    "doctor_webhook_ok": {
        "vi": "Webhook hoạt động ({pending} cập nhật đang chờ)",
        "en": "Webhook working ({pending} updates pending)",
    },
    "doctor_privacy_on": {
        "vi": "Chế độ riêng tư bật: trong nhóm, bot chỉ thấy lệnh và tin trả lời bot (đúng thiết kế)",
        "en": "Privacy mode on: in groups the bot sees only commands and replies to it (as designed)",
    },
    "doctor_privacy_off": {
        "vi": "Chế độ riêng tư tắt: bot nhận mọi tin trong nhóm và bỏ qua tin không liên quan",
        "en": "Privacy mode off: the bot receives every group message and ignores the others",
    },
    "doctor_groups_none": {
        "vi": "Chưa Hội đồng nào gắn nhóm Telegram (dùng /setgroup trong nhóm)",
        "en": "No council has a Telegram group yet (send /setgroup in the group)",
    },
    "doctor_group_ok": {
        "vi": "Bot gửi được tin vào nhóm của {council}",
        "en": "The bot can post in the {council} group",
    },
    "doctor_group_cannot_post": {
        "vi": "Bot không gửi được tin vào nhóm của {council} (bị xóa khỏi nhóm hoặc bị hạn chế)",
        "en": "The bot cannot post in the {council} group (removed or restricted)",
    },
    "doctor_scheduler_ok": {
        "vi": "Bộ lập lịch nhắc việc đang chạy",
        "en": "The reminder scheduler is running",
    },
    "doctor_scheduler_stopped": {
        "vi": "Bộ lập lịch nhắc việc không chạy: nhắc việc sẽ không được gửi",
        "en": "The reminder scheduler is not running: no reminders will go out",
    },
    "doctor_scheduler_never": {
        "vi": "Chưa có phiên bản bot nào chạy bộ lập lịch với cơ sở dữ liệu này",
        "en": "No bot instance has ever run the scheduler on this database",
    },
    "doctor_scheduler_silent": {
        "vi": "Bộ lập lịch im lặng {minutes} phút: bot có đang chạy không?",
        "en": "The scheduler has been silent for {minutes} minutes: is the bot running?",
    },
    "doctor_migrations_ok": {
        "vi": "Cơ sở dữ liệu đúng phiên bản ({revision})",
        "en": "Database schema is current ({revision})",
    },
    "doctor_migrations_behind": {
        "vi": "Cơ sở dữ liệu ở phiên bản {current}, cần {head}: chạy councilbot db upgrade",
        "en": "Database schema is at {current}, needs {head}: run councilbot db upgrade",
    },
    "doctor_reminders_no_failures": {
        "vi": "Không có nhắc việc gửi lỗi trong 7 ngày qua",
        "en": "No reminder failed in the last 7 days",
    },
    "doctor_reminders_failed": {
        "vi": "{count} nhắc việc gửi lỗi trong 7 ngày qua: {reasons} (xem /reminders)",
        "en": "{count} reminders failed in the last 7 days: {reasons} (see /reminders)",
    },
    "doctor_reminders_flowing": {"vi": "Không có nhắc việc bị kẹt", "en": "No reminder is stuck"},
    "doctor_reminders_stuck": {
        "vi": "Nhắc việc bị kẹt: {claimed} đang gửi quá lâu, {late} đến hạn mà chưa gửi",
        "en": "Reminders stuck: {claimed} claimed too long ago, {late} due but not sent",
    },
    "doctor_private_ok": {
        "vi": "Mọi thành viên đã mở trò chuyện riêng với bot",
        "en": "Every member has opened a private chat with the bot",
    },
    "doctor_private_missing": {
        "vi": "{count} thành viên chưa mở trò chuyện riêng với bot nên không nhận được nhắc việc: {names}",
        "en": "{count} members never opened a private chat with the bot and get no reminders: {names}",
    },
    "setgroup_usage": {
        "vi": "Gửi lệnh trong nhóm Telegram của Hội đồng: /setgroup &lt;mã Hội đồng&gt;, ví dụ /setgroup DBSH",
        "en": "Send it in the council's Telegram group: /setgroup &lt;council code&gt;, e.g. /setgroup DBSH",
    },
    "setgroup_done": {
        "vi": "Đã gắn nhóm này với Hội đồng {council}.",
        "en": "This group is now the {council} council's group.",
    },
}
