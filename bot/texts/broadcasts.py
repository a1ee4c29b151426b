"""/broadcast, delivery reports, acknowledgements."""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_broadcast": {
        "vi": "Gửi thông báo tới thành viên Hội đồng",
        "en": "Send a notice to council members",
    },
    "cmd_broadcasts": {
        "vi": "Các thông báo đã gửi và tình trạng nhận",
        "en": "Notices sent and who received them",
    },
    "broadcast_usage": {
        "vi": (
            "Cách dùng: /broadcast [&lt;mã Hội đồng&gt;] [vai-tro=…] [co-quan=…] | &lt;nội dung&gt;\n"
            "Ví dụ: /broadcast DBSH | Kính mời dự họp Hội đồng ngày 05/12/2023\n"
            "/broadcast DBSH vai-tro=dau-moi co-quan=BKHDT,BTC | Đề nghị gửi báo cáo quý IV\n"
            "Vai trò: chu-tich, thu-ky, thanh-vien, dau-moi."
        ),
        "en": (
            "Usage: /broadcast [&lt;council code&gt;] [roles=…] [agencies=…] | &lt;text&gt;\n"
            "Example: /broadcast DBSH | The council meets on 5 December 2023\n"
            "/broadcast DBSH roles=focal agencies=BKHDT,BTC | Please send the Q4 report\n"
            "Roles: chair, secretariat, member, focal."
        ),
    },
    "broadcast_choose_council": {
        "vi": "Anh/chị là thư ký của nhiều Hội đồng: ghi mã Hội đồng sau /broadcast, ví dụ /broadcast DBSH | …",
        "en": "You are secretariat of several councils: put the council code after /broadcast, e.g. /broadcast DBSH | …",
    },
    "broadcast_text_missing": {
        "vi": "Vui lòng nhập nội dung thông báo.",
        "en": "Please write the notice.",
    },
    "broadcast_role_unknown": {"vi": "Không có vai trò {role}.", "en": "There is no role {role}."},
    "broadcast_no_recipients": {
        "vi": "Không có thành viên nào phù hợp để gửi.",
        "en": "No member matches; nothing to send.",
    },
    "broadcast_already_sent": {
        "vi": "Thông báo này đã được gửi hoặc đã hủy.",
        "en": "This notice was already sent or cancelled.",
    },
    "broadcast_not_found": {
        "vi": "Không tìm thấy thông báo số {broadcast_id}.",
        "en": "There is no notice {broadcast_id}.",
    },
    "broadcast_preview": {
        "vi": "<b>Xem trước thông báo</b> ({council}) — sẽ gửi tới <b>{count}</b> thành viên:\n\n{text}",
        "en": "<b>Notice preview</b> ({council}) — it will go to <b>{count}</b> members:\n\n{text}",
    },
    "button_send": {"vi": "Gửi", "en": "Send"},
    "broadcast_progress": {
        "vi": "Đang gửi thông báo #{id}: {done}/{total}",
        "en": "Sending notice #{id}: {done}/{total}",
    },
    "broadcast_report": {
        "vi": (
            "<b>Thông báo #{id}</b> ({council}): đã gửi {delivered}/{total}, lỗi {failed}, "
            "đang chờ {pending}; {acknowledged} người đã xác nhận đã nhận."
        ),
        "en": (
            "<b>Notice #{id}</b> ({council}): delivered {delivered}/{total}, failed {failed}, "
            "pending {pending}; {acknowledged} acknowledged."
        ),
    },
    "broadcast_failed_header": {"vi": "<b>Không gửi được:</b>", "en": "<b>Not delivered:</b>"},
    "broadcast_failed_line": {"vi": "• {name}: {reason}", "en": "• {name}: {reason}"},
    "broadcast_unreachable": {
        "vi": "Chưa mở trò chuyện riêng với bot hoặc đã chặn bot (cần liên hệ cách khác): {names}",
        "en": "Never opened a private chat with the bot or blocked it (reach them another way): {names}",
    },
    "broadcast_not_acknowledged": {
        "vi": "Chưa xác nhận đã nhận: {names}",
        "en": "Not yet acknowledged: {names}",
    },
    "button_remind_unacknowledged": {
        "vi": "Nhắc người chưa xác nhận",
        "en": "Remind those who did not acknowledge",
    },
    "button_resend_failed": {"vi": "Gửi lại cho người bị lỗi", "en": "Resend to the failed ones"},
    "button_refresh_report": {"vi": "Cập nhật tình trạng", "en": "Refresh"},
    "broadcast_remind_prefix": {"vi": "🔔 Nhắc lại:", "en": "🔔 Reminder:"},
    "broadcast_nobody_to_remind": {
        "vi": "Mọi người nhận được đã xác nhận; không cần nhắc.",
        "en": "Everyone who received it has acknowledged; nobody to remind.",
    },
    "broadcast_resending": {
        "vi": "Đang gửi lại cho {count} người.",
        "en": "Resending to {count} members.",
    },
    "broadcast_nothing_failed": {"vi": "Không có ai bị lỗi.", "en": "No delivery failed."},
    "broadcasts_none": {"vi": "Chưa có thông báo nào.", "en": "No notices yet."},
    "broadcasts_line": {
        "vi": "#{id} {when} — {text}",
        "en": "#{id} {when} — {text}",
    },
    "button_acknowledge": {"vi": "Đã nhận", "en": "Received"},
    "acknowledged": {"vi": "Cảm ơn, đã ghi nhận.", "en": "Thank you, noted."},
    "already_acknowledged": {
        "vi": "Anh/chị đã xác nhận trước đó.",
        "en": "You had already acknowledged.",
    },
}
