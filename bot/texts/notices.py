"""Notices queued by a change to a task: to its agencies, the secretariat, the lead agency."""

TEXTS: dict[str, dict[str, str]] = {
    "notice_assigned_head": {
        "vi": "📌 <b>Nhiệm vụ mới được giao</b>",
        "en": "📌 <b>New task assigned</b>",
    },
    "notice_completion_head": {
        "vi": "✅ <b>Báo cáo hoàn thành nhiệm vụ</b> — cần Văn phòng xác nhận",
        "en": "✅ <b>Completion reported</b> — the secretariat's confirmation is needed",
    },
    "notice_obstacle_head": {
        "vi": "⚠️ <b>Vướng mắc cần Hội đồng hỗ trợ</b>",
        "en": "⚠️ <b>An obstacle needs the council's help</b>",
    },
    "notice_extension_head": {
        "vi": "⏳ <b>Đề xuất gia hạn</b> đến {deadline}",
        "en": "⏳ <b>Extension requested</b> to {deadline}",
    },
    "notice_reported_by": {"vi": "Nội dung: {text}", "en": "Content: {text}"},
    "notice_decision_cc": {
        "vi": "✅ Văn phòng đã xác nhận hoàn thành nhiệm vụ #{id}.",
        "en": "✅ The secretariat confirmed that task #{id} is done.",
    },
    "notice_decision_cr": {
        "vi": "↩️ Văn phòng chưa xác nhận hoàn thành nhiệm vụ #{id}; nhiệm vụ tiếp tục thực hiện.",
        "en": "↩️ The secretariat did not confirm task #{id} as done; it is back in progress.",
    },
    "notice_decision_ea": {
        "vi": "✅ Đề xuất gia hạn nhiệm vụ #{id} đã được duyệt: hạn mới {deadline}.",
        "en": "✅ The extension of task #{id} was approved: new deadline {deadline}.",
    },
    "notice_decision_er": {
        "vi": "❌ Đề xuất gia hạn nhiệm vụ #{id} không được duyệt; giữ thời hạn hiện hành.",
        "en": "❌ The extension of task #{id} was not approved; the deadline stands.",
    },
    "notice_decision_or": {
        "vi": "✅ Vướng mắc của nhiệm vụ #{id} đã được Văn phòng xử lý.",
        "en": "✅ The secretariat resolved the obstacle on task #{id}.",
    },
}
