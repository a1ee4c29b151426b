"""Texts for the input classes: ids, normalized text, lengths, percentages, nested files."""

TEXTS: dict[str, dict[str, str]] = {
    "id_out_of_range": {
        "vi": "Không tìm thấy mục số {ref}: số này không hợp lệ.",
        "en": "Nothing has the number {ref}: it is not a valid number.",
    },
    "file_err_nested": {
        "vi": "tệp lồng quá sâu (mảng hoặc bảng lồng nhau quá {limit} cấp); tệp không được đọc",
        "en": "the file nests too deeply (arrays or tables more than {limit} levels deep); it was not read",
    },
    "doctor_private_blocked": {
        "vi": "{count} thành viên đã chặn bot (Telegram từ chối tin nhắn) nên không nhận được nhắc việc: {names}",
        "en": "{count} members blocked the bot (Telegram refused its messages) and get no reminders: {names}",
    },
    # /history: stored enumerations in words ("hist_value_<field>_<value>").
    "hist_value_state_open": {"vi": "đang thực hiện", "en": "in progress"},
    "hist_value_state_reported_done": {
        "vi": "đã báo hoàn thành, chờ xác nhận",
        "en": "reported done, awaiting confirmation",
    },
    "hist_value_state_done": {"vi": "hoàn thành", "en": "done"},
    "hist_value_state_cancelled": {"vi": "đã hủy", "en": "cancelled"},
    "hist_value_resolution_resolved": {"vi": "đã xử lý", "en": "resolved"},
    "hist_value_resolution_approved": {"vi": "đã duyệt", "en": "approved"},
    "hist_value_resolution_rejected": {"vi": "không duyệt", "en": "rejected"},
    "broadcasts_meeting_notice": {
        "vi": "📅 thông báo cuộc họp “{title}”",
        "en": "📅 notice of the meeting “{title}”",
    },
    "text_empty": {
        "vi": "Nội dung trống (sau khi bỏ các ký tự vô hình). Vui lòng nhập nội dung.",
        "en": "The text is empty (once invisible characters are removed). Please write something.",
    },
    "text_over_limit": {
        "vi": "Nội dung quá dài: {length} ký tự, tối đa {limit} ký tự. Vui lòng rút gọn rồi gửi lại.",
        "en": "The text is too long: {length} characters, at most {limit}. Please shorten it and send it again.",
    },
}
