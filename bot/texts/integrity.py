"""Confirm-once answers, shared tasks, and refusals that keep to what the actor may see."""

TEXTS: dict[str, dict[str, str]] = {
    "input_replaced": {
        "vi": (
            "Câu hỏi này đã được thay bằng một câu hỏi mới hơn nên các nút của nó không còn hiệu "
            "lực; chưa có gì được ghi nhận. Hãy dùng các nút của câu hỏi mới nhất, hoặc gửi lại."
        ),
        "en": (
            "A newer question replaced this one, so its buttons no longer work; nothing was "
            "recorded. Use the buttons of the newest question, or send it again."
        ),
    },
    "already_handled": {
        "vi": "Việc này đã được xử lý rồi (có thể ở một lần bấm khác); không có gì thay đổi thêm.",
        "en": "This was already handled (perhaps by another press); nothing more was changed.",
    },
    "task_shared_forbidden": {
        "vi": (
            "Nhiệm vụ #{task_id} do nhiều Hội đồng cùng theo dõi ({councils}): chỉ thư ký của tất cả "
            "các Hội đồng này (hoặc quản trị viên) mới được sửa, hủy hay quyết định về nhiệm vụ. "
            "Đề nghị phối hợp với thư ký các Hội đồng còn lại."
        ),
        "en": (
            "Task #{task_id} is followed by several councils ({councils}): only a secretariat of all "
            "of them (or an admin) may edit, cancel or decide on it. Please coordinate with the "
            "other councils' secretariats."
        ),
    },
    "edit_lead_is_co": {
        "vi": (
            "{code} đang là cơ quan phối hợp của nhiệm vụ #{task_id}; một cơ quan không thể vừa chủ trì "
            "vừa phối hợp. Nhiệm vụ không thay đổi."
        ),
        "en": (
            "{code} co-operates on task #{task_id}; one agency cannot both lead and co-operate. "
            "The task is unchanged."
        ),
    },
    "notice_decision_tc": {
        "vi": "🚫 Văn phòng đã hủy nhiệm vụ #{id}; không cần báo cáo thêm về nhiệm vụ này.",
        "en": "🚫 The secretariat cancelled task #{id}; no further reports are needed on it.",
    },
    "update_lead_only": {
        "vi": (
            "Chỉ cơ quan chủ trì nhiệm vụ #{task_id} mới báo hoàn thành hoặc đề xuất gia hạn; "
            "cơ quan phối hợp có thể cập nhật tiến độ hoặc báo vướng mắc."
        ),
        "en": (
            "Only the lead agency of task #{task_id} reports completion or asks for an extension; "
            "a co-operating agency may post progress or report an obstacle."
        ),
    },
    "inv_inviter_revoked": {
        "vi": (
            "Mã mời này không còn hiệu lực: người tạo mã không còn quyền cấp vai trò này. "
            "Đề nghị liên hệ thư ký Hội đồng để nhận mã mới."
        ),
        "en": (
            "This invitation is no longer valid: whoever made it may no longer grant this role. "
            "Please ask the council's secretariat for a new one."
        ),
    },
    "prompt_not_yours": {
        "vi": (
            "Câu hỏi này dành cho người đã bấm nút; nội dung của anh/chị chưa được ghi nhận. "
            "Để báo cáo, hãy bấm nút trên thẻ nhiệm vụ hoặc dùng /update."
        ),
        "en": (
            "This question is for whoever pressed the button; your message was not recorded. "
            "To report, press a button on the task card or use /update."
        ),
    },
}
