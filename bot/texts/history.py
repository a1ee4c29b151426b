"""/history: a task's audit trail."""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_history": {"vi": "Lịch sử thay đổi của nhiệm vụ", "en": "A task's history of changes"},
    "hist_usage": {
        "vi": "Cách dùng: /history &lt;số nhiệm vụ&gt;\nVí dụ: /history 3",
        "en": "Usage: /history &lt;task number&gt;\nExample: /history 3",
    },
    "hist_header": {
        "vi": "<b>Lịch sử nhiệm vụ #{task_id}</b> {clause}\n{title}",
        "en": "<b>History of task #{task_id}</b> {clause}\n{title}",
    },
    "hist_page": {
        "vi": "Trang {page}/{pages}, mới nhất trước",
        "en": "Page {page}/{pages}, newest first",
    },
    "hist_empty": {"vi": "Chưa có thay đổi nào được ghi.", "en": "No changes recorded yet."},
    "hist_entry": {"vi": "<b>{at}</b> — {who}: {action}", "en": "<b>{at}</b> — {who}: {action}"},
    "hist_change": {
        "vi": "    {field}: {before} → {after}",
        "en": "    {field}: {before} → {after}",
    },
    "hist_none": {"vi": "(trống)", "en": "(none)"},
    "hist_button_prev": {"vi": "‹ Trước", "en": "‹ Previous"},
    "hist_button_next": {"vi": "Sau ›", "en": "Next ›"},
    # Actions (an action without a name here is shown as stored, e.g. "task.something").
    "hist_action_task_create": {"vi": "giao nhiệm vụ", "en": "task assigned"},
    "hist_action_task_edit": {"vi": "sửa nhiệm vụ", "en": "task edited"},
    "hist_action_task_cancel": {"vi": "hủy nhiệm vụ", "en": "task cancelled"},
    "hist_action_task_progress": {"vi": "cập nhật tiến độ", "en": "progress update"},
    "hist_action_task_completion": {"vi": "báo cáo hoàn thành", "en": "completion reported"},
    "hist_action_task_obstacle": {"vi": "báo vướng mắc", "en": "obstacle reported"},
    "hist_action_task_extension_request": {
        "vi": "đề nghị gia hạn",
        "en": "extension requested",
    },
    "hist_action_task_confirm": {"vi": "xác nhận hoàn thành", "en": "completion confirmed"},
    "hist_action_task_reject_completion": {
        "vi": "báo cáo hoàn thành chưa đạt",
        "en": "completion sent back",
    },
    "hist_action_task_extension_request_approved": {
        "vi": "duyệt gia hạn",
        "en": "extension approved",
    },
    "hist_action_task_extension_request_rejected": {
        "vi": "từ chối gia hạn",
        "en": "extension rejected",
    },
    "hist_action_task_obstacle_resolved": {
        "vi": "vướng mắc đã xử lý",
        "en": "obstacle resolved",
    },
    # Fields (a field without a name here is shown as stored).
    "hist_field_clause": {"vi": "mục", "en": "clause"},
    "hist_field_title": {"vi": "nội dung", "en": "text"},
    "hist_field_text": {"vi": "nội dung cập nhật", "en": "update"},
    "hist_field_lead_agency_id": {"vi": "chủ trì", "en": "lead"},
    "hist_field_co_agency_ids": {"vi": "phối hợp", "en": "co-operating"},
    "hist_field_council_ids": {"vi": "Hội đồng", "en": "councils"},
    "hist_field_due_text": {"vi": "thời hạn", "en": "deadline"},
    "hist_field_original_deadline": {"vi": "hạn ban đầu", "en": "original deadline"},
    "hist_field_approved_deadline": {"vi": "hạn hiện hành", "en": "deadline in force"},
    "hist_field_state": {"vi": "trạng thái", "en": "state"},
    "hist_field_percent": {"vi": "tiến độ (%)", "en": "progress (%)"},
    "hist_field_attachment": {"vi": "tệp đính kèm", "en": "attachment"},
    "hist_attachment_document": {"vi": "📎 tài liệu", "en": "📎 document"},
    "hist_attachment_photo": {"vi": "📎 ảnh", "en": "📎 photo"},
}
