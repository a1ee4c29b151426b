"""/meeting, /meetings, meeting notices and RSVPs."""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_meeting": {
        "vi": "Tạo, đổi lịch, hủy, kết luận cuộc họp",
        "en": "Create, reschedule, cancel, conclude a meeting",
    },
    "cmd_meetings": {"vi": "Các cuộc họp sắp tới", "en": "Upcoming meetings"},
    "meeting_usage": {
        "vi": (
            "Cách dùng:\n"
            "/meeting new (hoặc moi) [&lt;mã Hội đồng&gt;] | &lt;tên cuộc họp&gt; | &lt;thời gian&gt; | &lt;địa điểm hoặc đường dẫn họp trực tuyến&gt; | &lt;nội dung 1&gt;; &lt;nội dung 2&gt;…\n"
            "  (một nội dung có thể gắn nhiệm vụ: “#12 Báo cáo quỹ đầu tư”)\n"
            "/meeting &lt;số&gt; — chi tiết và danh sách tham dự\n"
            "/meeting &lt;số&gt; doi-lich &lt;thời gian mới&gt; (hoặc reschedule)\n"
            "/meeting &lt;số&gt; huy (hoặc cancel)\n"
            "/meeting &lt;số&gt; ket-luan &lt;kết luận 1&gt;; &lt;kết luận 2&gt;… (hoặc conclude)\n"
            "Ví dụ: /meeting new DBSH | Họp cho ý kiến quy hoạch vùng | 14h ngày 5/12/2023 | Phòng họp số 1, Bộ KH&amp;ĐT | #3 Quy hoạch vùng; Kế hoạch năm 2024"
        ),
        "en": (
            "Usage:\n"
            "/meeting new [&lt;council code&gt;] | &lt;title&gt; | &lt;time&gt; | &lt;place or online link&gt; | &lt;item 1&gt;; &lt;item 2&gt;…\n"
            "  (an item may link a task: “#12 Investment fund report”)\n"
            "/meeting &lt;number&gt; — details and attendance\n"
            "/meeting &lt;number&gt; reschedule &lt;new time&gt;\n"
            "/meeting &lt;number&gt; cancel\n"
            "/meeting &lt;number&gt; conclude &lt;conclusion 1&gt;; &lt;conclusion 2&gt;…\n"
            "Example: /meeting new DBSH | Regional planning review | 2023-12-05 14:00 | Room 1, MPI | #3 Regional plan; 2024 work plan"
        ),
    },
    "meeting_choose_council": {
        "vi": "Anh/chị là thư ký của nhiều Hội đồng: ghi mã Hội đồng sau /meeting new, ví dụ /meeting new DBSH | …",
        "en": "You are secretariat of several councils: put the council code after /meeting new, e.g. /meeting new DBSH | …",
    },
    "meeting_not_found": {
        "vi": "Không tìm thấy cuộc họp số {meeting_id}.",
        "en": "There is no meeting {meeting_id}.",
    },
    "meeting_title_missing": {
        "vi": "Vui lòng nhập tên cuộc họp.",
        "en": "Please give the meeting a title.",
    },
    "meeting_closed": {
        "vi": "Cuộc họp số {meeting_id} đã kết thúc hoặc đã hủy.",
        "en": "Meeting {meeting_id} is over or cancelled.",
    },
    "conclusions_missing": {
        "vi": "Vui lòng nhập các kết luận.",
        "en": "Please write the conclusions.",
    },
    "conclusion_not_found": {
        "vi": "Không tìm thấy kết luận này.",
        "en": "That conclusion does not exist.",
    },
    "meeting_preview": {
        "vi": "<b>Xác nhận tạo cuộc họp</b> ({council})\n{details}\nThông báo mời họp sẽ được gửi tới các thành viên Hội đồng.",
        "en": "<b>Confirm the meeting</b> ({council})\n{details}\nThe invitation will be sent to the council's members.",
    },
    "meeting_created": {
        "vi": "✅ Đã tạo cuộc họp #{id}; đang gửi thông báo mời họp (thông báo #{broadcast}).",
        "en": "✅ Meeting #{id} created; the invitation is being sent (notice #{broadcast}).",
    },
    "meeting_rescheduled": {
        "vi": "✅ Đã đổi thời gian cuộc họp #{id}: {when}. Đang gửi thông báo.",
        "en": "✅ Meeting #{id} moved to {when}. Notifying the members.",
    },
    "meeting_cancel_confirm": {
        "vi": "Hủy cuộc họp #{id} “{title}”? Thành viên sẽ được thông báo.",
        "en": "Cancel meeting #{id} “{title}”? The members will be told.",
    },
    "meeting_cancelled": {"vi": "Đã hủy cuộc họp #{id}.", "en": "Meeting #{id} cancelled."},
    "meeting_concluded": {
        "vi": "✅ Đã ghi kết luận cuộc họp #{id}. Có thể giao từng kết luận thành nhiệm vụ:",
        "en": "✅ Conclusions of meeting #{id} recorded. Each can become a task:",
    },
    "conclusion_line": {"vi": "{n}. {text}", "en": "{n}. {text}"},
    "button_make_task": {"vi": "Giao nhiệm vụ từ kết luận {n}", "en": "Make conclusion {n} a task"},
    "meeting_details": {
        "vi": "<b>{number}{title}</b>\nHội đồng: {council}\nThời gian: {when}{place}{link}{agenda}",
        "en": "<b>{number}{title}</b>\nCouncil: {council}\nTime: {when}{place}{link}{agenda}",
    },
    "meeting_place": {"vi": "\nĐịa điểm: {place}", "en": "\nPlace: {place}"},
    "meeting_link": {"vi": "\nHọp trực tuyến: {link}", "en": "\nOnline: {link}"},
    "meeting_agenda": {"vi": "\nNội dung:\n{items}", "en": "\nAgenda:\n{items}"},
    "meeting_agenda_item": {"vi": "{n}. {text}", "en": "{n}. {text}"},
    "meeting_agenda_task": {
        "vi": "{n}. {text} (nhiệm vụ #{task}: {category})",
        "en": "{n}. {text} (task #{task}: {category})",
    },
    "meeting_period_only": {
        "vi": "{text} (chưa ấn định ngày: {reading})",
        "en": "{text} (date not fixed yet: {reading})",
    },
    "meeting_no_time": {"vi": "chưa ấn định", "en": "not fixed yet"},
    "meeting_state_cancelled": {"vi": " — ĐÃ HỦY", "en": " — CANCELLED"},
    "meeting_state_concluded": {"vi": " — đã họp", "en": " — held"},
    "meeting_conclusions": {"vi": "<b>Kết luận</b>\n{items}", "en": "<b>Conclusions</b>\n{items}"},
    "attendance_header": {"vi": "<b>Đăng ký tham dự</b>", "en": "<b>Attendance</b>"},
    "attendance_attend": {"vi": "Tham dự ({count}): {names}", "en": "Attending ({count}): {names}"},
    "attendance_delegate": {
        "vi": "Cử người dự thay ({count}): {names}",
        "en": "Sending a delegate ({count}): {names}",
    },
    "attendance_absent": {"vi": "Vắng ({count}): {names}", "en": "Absent ({count}): {names}"},
    "attendance_silent": {
        "vi": "Chưa trả lời ({count}): {names}",
        "en": "No answer yet ({count}): {names}",
    },
    "meetings_header": {"vi": "<b>📅 Cuộc họp sắp tới</b>", "en": "<b>📅 Upcoming meetings</b>"},
    "meetings_none": {"vi": "Không có cuộc họp nào sắp tới.", "en": "No upcoming meetings."},
    # Notices
    "notice_meeting_created": {
        "vi": "📅 <b>Thông báo mời họp</b>",
        "en": "📅 <b>Meeting invitation</b>",
    },
    "notice_meeting_rescheduled": {
        "vi": "📅 <b>Thay đổi thời gian họp</b>",
        "en": "📅 <b>Meeting rescheduled</b>",
    },
    "notice_meeting_cancelled": {
        "vi": "❌ <b>Hủy cuộc họp</b>",
        "en": "❌ <b>Meeting cancelled</b>",
    },
    "notice_rsvp_hint": {
        "vi": "Vui lòng cho biết anh/chị tham dự, cử người dự thay hay vắng mặt.",
        "en": "Please say whether you attend, send a delegate, or are absent.",
    },
    "button_rsvp_attend": {"vi": "Tham dự", "en": "Attend"},
    "button_rsvp_delegate": {"vi": "Cử người dự thay", "en": "Send a delegate"},
    "button_rsvp_absent": {"vi": "Vắng", "en": "Absent"},
    "rsvp_saved_attend": {"vi": "Đã ghi nhận: tham dự.", "en": "Noted: attending."},
    "rsvp_saved_absent": {"vi": "Đã ghi nhận: vắng mặt.", "en": "Noted: absent."},
    "rsvp_saved_delegate": {
        "vi": "Đã ghi nhận: cử {name} dự thay.",
        "en": "Noted: {name} attends in your place.",
    },
    "rsvp_delegate_missing": {
        "vi": "Vui lòng nhập họ tên người dự thay.",
        "en": "Please write the delegate's name.",
    },
    "rsvp_ask_delegate": {
        "vi": "Nhập họ tên và chức vụ người dự thay (cuộc họp #{id}).",
        "en": "Write the name and position of your delegate (meeting #{id}).",
    },
    "meeting_agenda_digest": {
        "vi": "<b>Chuẩn bị họp #{id}</b> {title} ({when})\nTình hình các nhiệm vụ trong nội dung họp:\n{items}",
        "en": "<b>Preparing meeting #{id}</b> {title} ({when})\nStatus of the tasks on the agenda:\n{items}",
    },
}
