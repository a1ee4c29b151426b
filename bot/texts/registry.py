"""Councils, agencies, members: invitations, /members, /revoke, /councils, /agencies."""

TEXTS: dict[str, dict[str, str]] = {
    # Command menu and /help.
    "cmd_invite": {
        "vi": "Tạo lời mời tham gia Hội đồng",
        "en": "Invite someone to a council",
    },
    "cmd_members": {
        "vi": "Danh sách thành viên, vai trò",
        "en": "Members and their roles",
    },
    "cmd_revoke": {"vi": "Thu hồi vai trò của thành viên", "en": "Revoke a member's role"},
    "cmd_councils": {"vi": "Danh sách các Hội đồng và mã", "en": "Councils and their codes"},
    "cmd_agencies": {"vi": "Danh sách cơ quan và mã", "en": "Agencies and their codes"},
    # Choosing a council, naming an agency.
    "reg_council_needed": {
        "vi": "Vui lòng ghi rõ mã Hội đồng. Anh/chị phụ trách: {codes}.",
        "en": "Please name the council by its code. Yours: {codes}.",
    },
    "reg_council_unknown": {
        "vi": "Không có Hội đồng mã {code}. Gõ /councils để xem các mã.",
        "en": "There is no council with code {code}. Send /councils to see the codes.",
    },
    "reg_agency_unknown": {
        "vi": "Không có cơ quan mã {code}. Gõ /agencies để xem các mã.",
        "en": "There is no agency with code {code}. Send /agencies to see the codes.",
    },
    # /invite
    "inv_usage": {
        "vi": (
            "Cách dùng: /invite [&lt;mã Hội đồng&gt;] &lt;vai trò&gt; [&lt;mã cơ quan&gt;]\n"
            "Vai trò: chu-tich (Chủ tịch), thu-ky (Thư ký), thanh-vien (Thành viên), "
            "dau-moi (Đầu mối của một cơ quan, cần mã cơ quan).\n"
            "Có thể bỏ mã Hội đồng nếu anh/chị chỉ phụ trách một Hội đồng.\n"
            "Ví dụ: /invite DBSH dau-moi BKHDT"
        ),
        "en": (
            "Usage: /invite [&lt;council code&gt;] &lt;role&gt; [&lt;agency code&gt;]\n"
            "Roles: chair, secretariat, member, focal (an agency's focal point: give the "
            "agency code).\n"
            "The council code may be left out if you run only one council.\n"
            "Example: /invite DBSH focal BKHDT"
        ),
    },
    "inv_agency_needed": {
        "vi": "Lời mời Đầu mối cần mã cơ quan. Ví dụ: /invite DBSH dau-moi BKHDT",
        "en": "A focal point invitation needs an agency code. Example: /invite DBSH focal BKHDT",
    },
    "inv_agency_only_focal": {
        "vi": "Chỉ vai trò Đầu mối mới gắn với một cơ quan; vui lòng bỏ mã cơ quan.",
        "en": "Only a focal point belongs to an agency; please leave out the agency code.",
    },
    "inv_created": {
        "vi": (
            "Đã tạo lời mời: <b>{role}</b> — {council}.\n"
            "Gửi đường dẫn sau cho người được mời (chỉ dùng được một lần, hết hạn {expires}):\n"
            "{link}\n"
            "Hoặc người được mời gửi cho bot: <code>/start {code}</code>"
        ),
        "en": (
            "Invitation created: <b>{role}</b> — {council}.\n"
            "Send this link to the person invited (single use, expires {expires}):\n"
            "{link}\n"
            "Or they can send the bot: <code>/start {code}</code>"
        ),
    },
    "inv_unknown": {
        "vi": "Mã mời không đúng. Vui lòng kiểm tra lại đường dẫn hoặc liên hệ Văn phòng Hội đồng.",
        "en": "This invitation code is not valid. Check the link or ask the council's secretariat.",
    },
    "inv_used": {
        "vi": "Lời mời này đã được sử dụng. Vui lòng liên hệ Văn phòng Hội đồng để được mời lại.",
        "en": "This invitation has already been used. Ask the council's secretariat for a new one.",
    },
    "inv_expired": {
        "vi": "Lời mời này đã hết hạn. Vui lòng liên hệ Văn phòng Hội đồng để được mời lại.",
        "en": "This invitation has expired. Ask the council's secretariat for a new one.",
    },
    "inv_already_have": {
        "vi": "Anh/chị đã có vai trò này trong Hội đồng; lời mời chưa được sử dụng.",
        "en": "You already have this role in the council; the invitation was not used.",
    },
    "inv_joined": {
        "vi": (
            "Chào mừng {name}! Anh/chị đã tham gia {council} với vai trò <b>{role}</b>.\n"
            "Gõ /help để xem các lệnh anh/chị dùng được."
        ),
        "en": (
            "Welcome, {name}! You have joined the {council} as <b>{role}</b>.\n"
            "Send /help to see the commands you can use."
        ),
    },
    # /members
    "mem_usage": {
        "vi": "Cách dùng: /members [&lt;mã Hội đồng&gt;]\nVí dụ: /members DBSH",
        "en": "Usage: /members [&lt;council code&gt;]\nExample: /members DBSH",
    },
    "mem_header": {
        "vi": "<b>{council}</b> ({code}) — {count} vai trò",
        "en": "<b>{council}</b> ({code}) — {count} roles",
    },
    "mem_line": {
        "vi": "#{number} {name}{username} — {role} — {reach}",
        "en": "#{number} {name}{username} — {role} — {reach}",
    },
    "mem_reach_ok": {"vi": "nhắn riêng được", "en": "reachable privately"},
    "mem_reach_unknown": {
        "vi": "chưa mở trò chuyện riêng với bot",
        "en": "has not opened a private chat with the bot",
    },
    "mem_reach_blocked": {
        "vi": "không nhắn riêng được (đã chặn bot)",
        "en": "cannot be messaged privately (blocked the bot)",
    },
    "mem_none": {"vi": "Chưa có thành viên.", "en": "No members yet."},
    "mem_footer": {
        "vi": "Thu hồi vai trò: /revoke &lt;số thành viên&gt;, ví dụ /revoke #{example}",
        "en": "To revoke a role: /revoke &lt;member number&gt;, e.g. /revoke #{example}",
    },
    # /revoke
    "rvk_usage": {
        "vi": (
            "Cách dùng: /revoke &lt;thành viên&gt; — số thành viên trong /members (ví dụ #12), "
            "@tên_người_dùng hoặc mã Telegram.\nVí dụ: /revoke #12"
        ),
        "en": (
            "Usage: /revoke &lt;member&gt; — the member number shown by /members (e.g. #12), "
            "@username or Telegram id.\nExample: /revoke #12"
        ),
    },
    "rvk_member_unknown": {
        "vi": "Không tìm thấy thành viên {member}. Gõ /members để xem danh sách.",
        "en": "No member {member} was found. Send /members to see the list.",
    },
    "rvk_no_roles": {
        "vi": "{name} không có vai trò nào trong các Hội đồng anh/chị phụ trách.",
        "en": "{name} has no role in the councils you run.",
    },
    "rvk_role_gone": {
        "vi": "Vai trò này không còn (có thể đã được thu hồi).",
        "en": "This role no longer exists (it may have been revoked already).",
    },
    "rvk_choose": {
        "vi": "{name} có nhiều vai trò. Chọn vai trò cần thu hồi:",
        "en": "{name} has several roles. Choose the one to revoke:",
    },
    "rvk_role_label": {"vi": "{role} — {council}", "en": "{role} — {council}"},
    "rvk_confirm": {
        "vi": "Thu hồi vai trò <b>{role}</b> của {name} trong Hội đồng {council}?",
        "en": "Revoke the role <b>{role}</b> of {name} in council {council}?",
    },
    "rvk_button_confirm": {"vi": "Thu hồi", "en": "Revoke"},
    "rvk_button_cancel": {"vi": "Hủy", "en": "Cancel"},
    "rvk_done": {
        "vi": "Đã thu hồi vai trò {role} của {name} trong Hội đồng {council}.",
        "en": "Revoked the role {role} of {name} in council {council}.",
    },
    "rvk_cancelled": {"vi": "Đã hủy, không thu hồi.", "en": "Cancelled; nothing was revoked."},
    # /councils, /agencies
    "councils_header": {"vi": "<b>Các Hội đồng điều phối vùng</b>", "en": "<b>Councils</b>"},
    "councils_line": {"vi": "{code} — {name}", "en": "{code} — {name}"},
    "agencies_header": {"vi": "<b>Các cơ quan</b>", "en": "<b>Agencies</b>"},
    "agencies_line": {"vi": "{code} — {name}", "en": "{code} — {name}"},
    "registry_empty": {
        "vi": "Danh mục còn trống. Quản trị viên nạp bằng: councilbot registry load TỆP",
        "en": "The registry is empty. An administrator loads it with: councilbot registry load FILE",
    },
    # The registry file (councilbot registry load).
    "reg_summary": {
        "vi": (
            "Hội đồng: {councils_added} thêm mới, {councils_changed} thay đổi, "
            "{councils_unchanged} giữ nguyên.\n"
            "Cơ quan: {agencies_added} thêm mới, {agencies_changed} thay đổi, "
            "{agencies_unchanged} giữ nguyên."
        ),
        "en": (
            "Councils: {councils_added} added, {councils_changed} changed, "
            "{councils_unchanged} unchanged.\n"
            "Agencies: {agencies_added} added, {agencies_changed} changed, "
            "{agencies_unchanged} unchanged."
        ),
    },
    "reg_line_added": {"vi": "+ {code}", "en": "+ {code}"},
    "reg_line_changed": {"vi": "~ {code}: {changes}", "en": "~ {code}: {changes}"},
    "reg_err_empty_file": {
        "vi": "tệp không có [[councils]] hay [[agencies]] nào",
        "en": "the file has no [[councils]] and no [[agencies]]",
    },
    "reg_err_code_format": {
        "vi": "mã chỉ gồm chữ in hoa không dấu, chữ số, '-' hoặc '_' (tối đa 32 ký tự)",
        "en": "a code is capital letters A–Z, digits, '-' or '_' (at most 32 characters)",
    },
    "reg_err_timezone": {
        "vi": "không có múi giờ {value} (ví dụ đúng: Asia/Ho_Chi_Minh)",
        "en": "unknown time zone {value} (e.g. Asia/Ho_Chi_Minh)",
    },
    "reg_err_kind": {
        "vi": "loại cơ quan phải là một trong: {kinds}",
        "en": "the kind must be one of: {kinds}",
    },
}
