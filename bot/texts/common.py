"""Texts shared by every feature: onboarding, help, language, errors, refusals."""

TEXTS: dict[str, dict[str, str]] = {
    "not_registered": {
        "vi": (
            "Xin chào! Tài khoản Telegram của anh/chị chưa được đăng ký với bot của Hội đồng "
            "điều phối vùng.\nVui lòng liên hệ Văn phòng (bộ phận thư ký) của Hội đồng để được "
            "gửi đường dẫn mời tham gia."
        ),
        "en": (
            "Hello! Your Telegram account is not registered with the regional coordination "
            "council bot.\nPlease ask the council's secretariat for an invitation link."
        ),
    },
    "forbidden": {
        "vi": "Anh/chị không có quyền thực hiện thao tác này.",
        "en": "You are not allowed to do this.",
    },
    "stale_button": {
        "vi": "Nút này không còn hiệu lực. Vui lòng gửi lại lệnh.",
        "en": "This button is no longer valid. Please send the command again.",
    },
    "error_apology": {
        "vi": (
            "Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu. Bộ phận kỹ thuật đã được ghi nhận; "
            "vui lòng thử lại sau ít phút."
        ),
        "en": (
            "Sorry, something went wrong while handling your request. It has been logged; "
            "please try again in a few minutes."
        ),
    },
    "not_found": {
        "vi": "Không tìm thấy nội dung được yêu cầu.",
        "en": "Nothing was found for that request.",
    },
    "invalid_input": {
        "vi": "Nội dung nhập chưa hợp lệ. Gõ /help để xem cách dùng.",
        "en": "That input is not valid. Send /help for usage.",
    },
    "conflict": {
        "vi": "Dữ liệu vừa được người khác thay đổi. Vui lòng thử lại.",
        "en": "Someone else changed this in the meantime. Please try again.",
    },
    "unknown_command": {
        "vi": "Không có lệnh {command}. Gõ /help để xem các lệnh anh/chị dùng được.",
        "en": "There is no command {command}. Send /help to see the commands you can use.",
    },
    "welcome": {
        "vi": "Xin chào {name}! Gõ /help để xem các lệnh anh/chị dùng được.",
        "en": "Hello {name}! Send /help to see the commands you can use.",
    },
    "help_header": {
        "vi": "<b>Các lệnh anh/chị dùng được</b>",
        "en": "<b>Commands available to you</b>",
    },
    "help_roles": {
        "vi": "Vai trò: {roles}",
        "en": "Roles: {roles}",
    },
    "help_footer": {
        "vi": "Có thể trả lời (reply) trực tiếp tin nhắn nhắc việc của bot để cập nhật tiến độ.",
        "en": "You can reply to any reminder from the bot to report progress.",
    },
    "lang_usage": {
        "vi": "Cách dùng: /lang vi hoặc /lang en",
        "en": "Usage: /lang vi or /lang en",
    },
    "lang_set": {
        "vi": "Đã chuyển ngôn ngữ sang tiếng Việt.",
        "en": "Language set to English.",
    },
    "role_chair": {"vi": "Chủ tịch", "en": "Chair"},
    "role_secretariat": {"vi": "Thư ký (Văn phòng)", "en": "Secretariat"},
    "role_member": {"vi": "Thành viên", "en": "Member"},
    "role_focal_point": {"vi": "Đầu mối {agency}", "en": "Focal point of {agency}"},
    "role_admin": {
        "vi": "Quản trị (thư ký mọi Hội đồng)",
        "en": "Administrator (secretariat of every council)",
    },
    # Command menu (setMyCommands) and /help descriptions.
    "cmd_start": {"vi": "Bắt đầu / nhận lời mời", "en": "Start / accept an invitation"},
    "cmd_help": {"vi": "Các lệnh dùng được", "en": "Commands you can use"},
    "cmd_lang": {"vi": "Đổi ngôn ngữ (vi/en)", "en": "Change language (vi/en)"},
}
