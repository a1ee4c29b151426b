"""/status, /tasks, progress updates, /assign, /edit, /cancel and the secretariat's decisions."""

TEXTS: dict[str, dict[str, str]] = {
    # Command menu and /help.
    "cmd_status": {
        "vi": "Tình hình thực hiện nhiệm vụ",
        "en": "Status of assigned tasks",
    },
    "cmd_tasks": {"vi": "Nhiệm vụ của cơ quan tôi", "en": "My agency's tasks"},
    "cmd_update": {"vi": "Cập nhật tiến độ một nhiệm vụ", "en": "Report progress on a task"},
    "cmd_assign": {"vi": "Giao nhiệm vụ mới", "en": "Assign a new task"},
    "cmd_edit": {"vi": "Sửa nhiệm vụ", "en": "Edit a task"},
    "cmd_cancel": {"vi": "Hủy nhiệm vụ", "en": "Cancel a task"},
    # Errors raised by the services.
    "task_not_found": {
        "vi": "Không tìm thấy nhiệm vụ số {task_id}.",
        "en": "There is no task number {task_id}.",
    },
    "task_closed": {
        "vi": "Nhiệm vụ số {task_id} đã kết thúc (hoàn thành hoặc đã hủy); không thể thay đổi.",
        "en": "Task {task_id} is closed (done or cancelled) and cannot be changed.",
    },
    "update_not_your_agency": {
        "vi": "Nhiệm vụ này không do cơ quan của anh/chị chủ trì hoặc phối hợp thực hiện.",
        "en": "This task is not led or co-operated by your agency.",
    },
    "update_text_missing": {
        "vi": "Vui lòng nhập nội dung cập nhật.",
        "en": "Please write what the update says.",
    },
    "text_too_long": {
        "vi": "Nội dung quá dài (tối đa {limit} ký tự).",
        "en": "The text is too long (at most {limit} characters).",
    },
    "percent_invalid": {
        "vi": "Tỷ lệ hoàn thành phải từ 0% đến 100%.",
        "en": "The percentage must be between 0% and 100%.",
    },
    "extension_needs_deadline": {
        "vi": "Vui lòng cho biết thời hạn đề xuất mới.",
        "en": "Please give the new deadline you propose.",
    },
    "extension_not_later": {
        "vi": "Thời hạn đề xuất phải sau thời hạn hiện hành.",
        "en": "The proposed deadline must be later than the current one.",
    },
    "completion_already_reported": {
        "vi": "Nhiệm vụ đã được báo hoàn thành và đang chờ Văn phòng xác nhận.",
        "en": "Completion was already reported and awaits the secretariat's confirmation.",
    },
    "completion_not_pending": {
        "vi": "Nhiệm vụ số {task_id} không có báo cáo hoàn thành nào đang chờ xác nhận.",
        "en": "Task {task_id} has no completion report awaiting confirmation.",
    },
    "request_not_found": {
        "vi": "Không tìm thấy đề xuất này.",
        "en": "That request does not exist.",
    },
    "request_already_decided": {
        "vi": "Đề xuất này đã được xử lý trước đó.",
        "en": "That request was already decided.",
    },
    "task_title_missing": {
        "vi": "Vui lòng nhập nội dung nhiệm vụ.",
        "en": "Please write what the task is.",
    },
    "agency_unknown": {
        "vi": "Không có cơ quan mã {code}. Dùng mã viết tắt, ví dụ BKHDT, BTC.",
        "en": "There is no agency with code {code}. Use the short code, e.g. BKHDT, BTC.",
    },
    "council_unknown": {
        "vi": "Không có Hội đồng mã {code}.",
        "en": "There is no council with code {code}.",
    },
    "agency_or_task_unknown": {
        "vi": (
            "Không hiểu “{query}”. Dùng: /status, /status &lt;mã cơ quan&gt;, "
            "/status &lt;số nhiệm vụ&gt; hoặc /status &lt;số văn bản&gt;, "
            "ví dụ /status BKHDT, /status 12, /status 6411/VPCP-KTTH."
        ),
        "en": (
            "Could not understand “{query}”. Use /status, /status &lt;agency code&gt;, "
            "/status &lt;task number&gt; or /status &lt;directive number&gt;, "
            "e.g. /status BKHDT, /status 12, /status 6411/VPCP-KTTH."
        ),
    },
    "due_not_understood": {
        "vi": (
            "Không đọc được thời hạn “{text}”. Các cách viết được hiểu, ví dụ:\n{examples}\n"
            "Xem thêm docs/deadlines.md."
        ),
        "en": (
            "Could not read the deadline “{text}”. Forms that are understood, e.g.:\n"
            "{examples}\nSee docs/deadlines.md."
        ),
    },
    # /status
    "status_choose_council": {
        "vi": "Anh/chị là thành viên của nhiều Hội đồng. Chọn Hội đồng cần xem:",
        "en": "You belong to several councils. Choose one:",
    },
    "status_no_council": {
        "vi": "Anh/chị chưa thuộc Hội đồng nào.",
        "en": "You do not belong to any council yet.",
    },
    "status_header": {
        "vi": "<b>📊 {council}</b>\nTình hình thực hiện {total} nhiệm vụ{periods} (đến {now}):",
        "en": "<b>📊 {council}</b>\nStatus of {total} tasks{periods} (as of {now}):",
    },
    "status_count_line": {
        "vi": "• {category}: <b>{count}</b> ({percent}%)",
        "en": "• {category}: <b>{count}</b> ({percent}%)",
    },
    "status_attention": {
        "vi": "<b>Quá hạn và sắp đến hạn</b>",
        "en": "<b>Overdue and due soon</b>",
    },
    "status_obstacles": {
        "vi": "<b>⚠️ Vướng mắc cần Hội đồng hỗ trợ</b>",
        "en": "<b>⚠️ Obstacles that need the council's help</b>",
    },
    "status_obstacles_more": {
        "vi": "… và {count} nhiệm vụ vướng mắc khác (/status &lt;mã cơ quan&gt; để xem).",
        "en": "… and {count} more tasks with obstacles (/status &lt;agency code&gt; to see them).",
    },
    "status_meetings": {"vi": "<b>📅 Cuộc họp sắp tới</b>", "en": "<b>📅 Next meetings</b>"},
    "status_nothing_urgent": {
        "vi": "Không có nhiệm vụ đang thực hiện nào quá hạn hay sắp đến hạn.",
        "en": "No open task is overdue or due soon.",
    },
    "status_no_tasks": {
        "vi": "Chưa có nhiệm vụ nào.",
        "en": "There are no tasks yet.",
    },
    "status_agency_header": {
        "vi": "<b>{agency}</b> — {count} nhiệm vụ chủ trì hoặc phối hợp:",
        "en": "<b>{agency}</b> — {count} tasks led or co-operated:",
    },
    "status_directive_header": {
        "vi": "<b>Văn bản {number}</b> — {count} nhiệm vụ:",
        "en": "<b>Directive {number}</b> — {count} tasks:",
    },
    "status_page": {"vi": "Trang {page}/{pages}", "en": "Page {page}/{pages}"},
    "agency_group": {"vi": "<b>{agency}</b>", "en": "<b>{agency}</b>"},
    "task_line": {
        "vi": "#{id} {title} — {category}{deadline}",
        "en": "#{id} {title} — {category}{deadline}",
    },
    "task_line_deadline": {"vi": ", hạn {deadline}", "en": ", due {deadline}"},
    "meeting_line": {"vi": "• #{id} {title} — {when}", "en": "• #{id} {title} — {when}"},
    "button_prev": {"vi": "‹ Trước", "en": "‹ Previous"},
    "button_next": {"vi": "Sau ›", "en": "Next ›"},
    # Task details
    "task_card": {
        "vi": (
            "<b>Nhiệm vụ #{id}</b>{source}\n{title}\n"
            "Chủ trì: {lead}\nPhối hợp: {co}\n"
            "Thời hạn: {due}\nTình trạng: {category}{percent}{obstacle}"
        ),
        "en": (
            "<b>Task #{id}</b>{source}\n{title}\n"
            "Lead: {lead}\nCo-operating: {co}\n"
            "Deadline: {due}\nStatus: {category}{percent}{obstacle}"
        ),
    },
    "task_source": {
        "vi": " (văn bản {number}, mục {clause})",
        "en": " ({number}, clause {clause})",
    },
    "task_no_co": {"vi": "không", "en": "none"},
    "task_no_due": {"vi": "không có hạn", "en": "no deadline"},
    "task_due_read": {
        "vi": "{text} — đọc là {reading}",
        "en": "{text} — read as {reading}",
    },
    "task_due_extended": {
        "vi": "{original}; đã gia hạn đến {approved}",
        "en": "{original}; extended to {approved}",
    },
    "task_percent": {"vi": ", {percent}%", "en": ", {percent}%"},
    "task_obstacle_flag": {"vi": " · ⚠️ Có vướng mắc", "en": " · ⚠️ Obstacle reported"},
    "task_updates_header": {"vi": "<b>Cập nhật gần đây</b>", "en": "<b>Latest updates</b>"},
    "task_update_line": {
        "vi": "• {when} — {author}: {kind}{percent} {text}{attachment}",
        "en": "• {when} — {author}: {kind}{percent} {text}{attachment}",
    },
    "task_update_attachment": {"vi": " 📎 tệp đính kèm", "en": " 📎 attachment"},
    "update_kind_progress": {"vi": "[tiến độ]", "en": "[progress]"},
    "update_kind_completion": {"vi": "[báo hoàn thành]", "en": "[completion]"},
    "update_kind_obstacle": {"vi": "[vướng mắc]", "en": "[obstacle]"},
    "update_kind_extension_request": {"vi": "[đề xuất gia hạn]", "en": "[extension request]"},
    "task_no_updates": {"vi": "Chưa có cập nhật.", "en": "No updates yet."},
    "task_reply_hint": {
        "vi": "↩️ Trả lời (reply) tin nhắn này để cập nhật tiến độ.",
        "en": "↩️ Reply to this message to report progress.",
    },
    # /tasks and its buttons
    "tasks_header": {
        "vi": "<b>Nhiệm vụ đang thực hiện của {agency}</b> ({count}):",
        "en": "<b>Open tasks of {agency}</b> ({count}):",
    },
    "tasks_none": {
        "vi": "Cơ quan của anh/chị không có nhiệm vụ nào đang thực hiện.",
        "en": "Your agency has no open tasks.",
    },
    "tasks_not_focal": {
        "vi": "Lệnh /tasks dành cho đầu mối của cơ quan. Văn phòng dùng /status &lt;mã cơ quan&gt;.",
        "en": "/tasks is for agency focal points. The secretariat uses /status &lt;agency code&gt;.",
    },
    "tasks_more": {"vi": "Xem thêm ›", "en": "More ›"},
    "button_progress": {"vi": "Cập nhật tiến độ", "en": "Report progress"},
    "button_done": {"vi": "Báo hoàn thành", "en": "Report completion"},
    "button_obstacle": {"vi": "Báo vướng mắc", "en": "Report an obstacle"},
    "button_extension": {"vi": "Đề xuất gia hạn", "en": "Request an extension"},
    "button_cancel": {"vi": "Hủy", "en": "Cancel"},
    "button_confirm": {"vi": "Xác nhận", "en": "Confirm"},
    "ask_progress": {
        "vi": "Nhiệm vụ #{id}: nhập nội dung cập nhật tiến độ (có thể ghi tỷ lệ, ví dụ “60% đã trình dự thảo”; có thể gửi kèm tệp).",
        "en": "Task #{id}: write the progress update (a percentage may lead, e.g. “60% draft submitted”; you may attach a file).",
    },
    "ask_completion": {
        "vi": "Nhiệm vụ #{id}: nhập kết quả hoàn thành (số văn bản báo cáo, sản phẩm…), có thể gửi kèm tệp.",
        "en": "Task #{id}: describe the result (report number, deliverable…); you may attach a file.",
    },
    "ask_obstacle": {
        "vi": "Nhiệm vụ #{id}: nêu vướng mắc cần Hội đồng hỗ trợ.",
        "en": "Task #{id}: describe the obstacle the council should help with.",
    },
    "ask_extension": {
        "vi": "Nhiệm vụ #{id}: nhập thời hạn đề xuất và lý do, cách nhau bởi dấu |, ví dụ: “cuối tháng 1 năm 2024 | chờ ý kiến các Bộ”.",
        "en": "Task #{id}: write the proposed deadline and the reason separated by |, e.g. “end of January 2024 | waiting for ministries' comments”.",
    },
    # In a group the bot only sees messages that reply to it (privacy mode).
    "ask_reply_in_group": {
        "vi": "↩️ Trong nhóm, vui lòng trả lời (Reply) tin nhắn này.",
        "en": "↩️ In a group, please reply to this message.",
    },
    "input_cancelled": {"vi": "Đã hủy.", "en": "Cancelled."},
    "input_expired": {
        "vi": "Phiên nhập đã hết hạn. Vui lòng bấm nút hoặc gửi lệnh lại.",
        "en": "That input session expired. Please press the button or send the command again.",
    },
    # Results of updates
    "update_saved": {
        "vi": "✅ Đã ghi nhận cập nhật cho nhiệm vụ #{id}. Tình trạng: {category}{percent}.",
        "en": "✅ Update recorded for task #{id}. Status: {category}{percent}.",
    },
    "completion_saved": {
        "vi": "✅ Đã ghi nhận báo cáo hoàn thành nhiệm vụ #{id}; Văn phòng sẽ xác nhận.",
        "en": "✅ Completion of task #{id} recorded; the secretariat will confirm it.",
    },
    "obstacle_saved": {
        "vi": "✅ Đã chuyển vướng mắc của nhiệm vụ #{id} tới Văn phòng Hội đồng.",
        "en": "✅ The obstacle on task #{id} was passed to the council's secretariat.",
    },
    "extension_saved": {
        "vi": "✅ Đã gửi đề xuất gia hạn nhiệm vụ #{id} đến {deadline}; chờ Văn phòng xem xét.",
        "en": "✅ Extension of task #{id} to {deadline} requested; awaiting the secretariat's decision.",
    },
    "update_usage": {
        "vi": "Cách dùng: /update &lt;số nhiệm vụ&gt; [&lt;tỷ lệ&gt;%] &lt;nội dung&gt;\nVí dụ: /update 12 60% Đã trình dự thảo Kế hoạch",
        "en": "Usage: /update &lt;task number&gt; [&lt;percent&gt;%] &lt;text&gt;\nExample: /update 12 60% Draft plan submitted",
    },
    "reply_not_about_task": {
        "vi": "Tin nhắn anh/chị trả lời không gắn với nhiệm vụ nào. Dùng /update &lt;số nhiệm vụ&gt; &lt;nội dung&gt; hoặc /tasks.",
        "en": "The message you replied to is not about a task. Use /update &lt;task number&gt; &lt;text&gt; or /tasks.",
    },
    "private_hint": {
        "vi": "Gõ /help để xem các lệnh, hoặc trả lời (reply) một tin nhắn nhắc việc để cập nhật tiến độ.",
        "en": "Send /help for the commands, or reply to a reminder to report progress.",
    },
    # Secretariat: /assign, /edit, /cancel and decisions
    "assign_usage": {
        "vi": (
            "Cách dùng: /assign &lt;mã cơ quan chủ trì&gt;[, &lt;mã cơ quan phối hợp&gt;…] | "
            "&lt;nội dung&gt; | &lt;thời hạn&gt;\n"
            "Ví dụ: /assign BKHDT, BTC | Báo cáo về việc thành lập quỹ đầu tư phát triển hạ tầng | trong quý IV năm 2023\n"
            "Hoặc gửi /assign để được hướng dẫn từng bước."
        ),
        "en": (
            "Usage: /assign &lt;lead agency code&gt;[, &lt;co-operating codes&gt;…] | "
            "&lt;task&gt; | &lt;deadline&gt;\n"
            "Example: /assign BKHDT, BTC | Report on an infrastructure development fund | Q4 2023\n"
            "Or send /assign alone to be guided step by step."
        ),
    },
    "assign_ask_agencies": {
        "vi": "Giao nhiệm vụ mới ({council}). Bước 1/3: nhập mã cơ quan chủ trì, sau đó các cơ quan phối hợp (nếu có), ví dụ “BKHDT, BTC”.",
        "en": "New task ({council}). Step 1/3: the lead agency's code, then any co-operating ones, e.g. “BKHDT, BTC”.",
    },
    "assign_ask_title": {
        "vi": "Bước 2/3: nhập nội dung nhiệm vụ.",
        "en": "Step 2/3: what is the task?",
    },
    "assign_ask_due": {
        "vi": "Bước 3/3: nhập thời hạn như trong văn bản (ví dụ “trong quý IV năm 2023”), hoặc “không” nếu không có hạn.",
        "en": "Step 3/3: the deadline as written (e.g. “Q4 2023”), or “none” if there is none.",
    },
    "assign_choose_council": {
        "vi": "Giao nhiệm vụ cho Hội đồng nào?",
        "en": "Which council is the task for?",
    },
    "assign_preview": {
        "vi": (
            "<b>Xác nhận giao nhiệm vụ</b> ({council})\n{title}\nChủ trì: {lead}\nPhối hợp: {co}\n"
            "Thời hạn: {due}"
        ),
        "en": (
            "<b>Confirm the new task</b> ({council})\n{title}\nLead: {lead}\nCo-operating: {co}\n"
            "Deadline: {due}"
        ),
    },
    "assign_done": {
        "vi": "✅ Đã giao nhiệm vụ #{id} cho {lead}. Đầu mối của cơ quan sẽ được thông báo.",
        "en": "✅ Task #{id} assigned to {lead}. The agency's focal points will be notified.",
    },
    "edit_usage": {
        "vi": (
            "Cách dùng: /edit &lt;số nhiệm vụ&gt; ten|han|chu-tri &lt;giá trị mới&gt; (hoặc title|deadline|lead)\n"
            "Ví dụ: /edit 12 han cuối tháng 12 năm 2023"
        ),
        "en": (
            "Usage: /edit &lt;task number&gt; title|deadline|lead &lt;new value&gt;\n"
            "Example: /edit 12 deadline end of December 2023"
        ),
    },
    "edit_done": {
        "vi": "✅ Đã sửa nhiệm vụ #{id}.\nThời hạn: {due}",
        "en": "✅ Task #{id} changed.\nDeadline: {due}",
    },
    "cancel_usage": {
        "vi": "Cách dùng: /cancel &lt;số nhiệm vụ&gt;",
        "en": "Usage: /cancel &lt;task number&gt;",
    },
    "cancel_confirm": {
        "vi": "Hủy nhiệm vụ #{id} “{title}”? Các nhắc việc của nhiệm vụ sẽ dừng.",
        "en": "Cancel task #{id} “{title}”? Its reminders will stop.",
    },
    "cancel_done": {"vi": "Đã hủy nhiệm vụ #{id}.", "en": "Task #{id} cancelled."},
    "button_cancel_task": {"vi": "Hủy nhiệm vụ", "en": "Cancel the task"},
    "button_keep_task": {"vi": "Không", "en": "No"},
    "button_accept_completion": {"vi": "Xác nhận hoàn thành", "en": "Confirm completion"},
    "button_reject_completion": {"vi": "Chưa đạt", "en": "Not done yet"},
    "button_approve": {"vi": "Duyệt", "en": "Approve"},
    "button_reject": {"vi": "Từ chối", "en": "Reject"},
    "button_resolved": {"vi": "Đã xử lý", "en": "Resolved"},
    "completion_confirmed": {
        "vi": "✅ Đã xác nhận hoàn thành nhiệm vụ #{id}: {category}.",
        "en": "✅ Completion of task #{id} confirmed: {category}.",
    },
    "completion_rejected": {
        "vi": "Nhiệm vụ #{id} được chuyển lại trạng thái đang thực hiện.",
        "en": "Task #{id} is back in progress.",
    },
    "extension_approved": {
        "vi": "✅ Đã duyệt gia hạn nhiệm vụ #{id} đến {deadline}.",
        "en": "✅ Extension of task #{id} to {deadline} approved.",
    },
    "extension_rejected": {
        "vi": "Đã từ chối đề xuất gia hạn nhiệm vụ #{id}.",
        "en": "The extension request for task #{id} was rejected.",
    },
    "obstacle_resolved": {
        "vi": "Đã đánh dấu vướng mắc của nhiệm vụ #{id} là đã xử lý.",
        "en": "The obstacle on task #{id} is marked resolved.",
    },
}
