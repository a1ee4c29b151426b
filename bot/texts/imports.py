"""Directive import: /import, its report, and the problems a file can have."""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_import": {
        "vi": "Nhập văn bản chỉ đạo từ tệp TOML",
        "en": "Import a directive from a TOML file",
    },
    "imp_usage": {
        "vi": (
            "Cách dùng: gửi tệp văn bản (.toml) dưới dạng tài liệu (File), phần chú thích "
            "(caption) ghi /import. Bot kiểm tra tệp, cho xem trước các thay đổi, rồi chỉ ghi "
            "khi anh/chị bấm «Nhập».\nĐịnh dạng tệp: docs/directive-format.md; mẫu: "
            "examples/6411-VPCP-KTTH-2023.toml"
        ),
        "en": (
            "Usage: send the directive file (.toml) as a document with the caption /import. "
            "The bot checks it, shows what would change, and writes only when you press "
            "“Import”.\nFile format: docs/directive-format.md; example: "
            "examples/6411-VPCP-KTTH-2023.toml"
        ),
    },
    "imp_too_big": {
        "vi": "Tệp quá lớn (tối đa {limit} KB). Vui lòng tách thành nhiều văn bản.",
        "en": "The file is too large (at most {limit} KB). Please split it by directive.",
    },
    "imp_not_utf8": {
        "vi": "Tệp không phải văn bản UTF-8. Vui lòng lưu tệp TOML với bảng mã UTF-8.",
        "en": "The file is not UTF-8 text. Please save the TOML file as UTF-8.",
    },
    "imp_issues_header": {
        "vi": "<b>Tệp {file} có {count} lỗi; chưa nhập gì.</b> Sửa các lỗi sau rồi gửi lại:",
        "en": "<b>{file} has {count} problem(s); nothing was imported.</b> Fix these and resend:",
    },
    "imp_issue": {
        "vi": "• Dòng {line}, {field}: {message}",
        "en": "• Line {line}, {field}: {message}",
    },
    "imp_issue_no_field": {"vi": "• Dòng {line}: {message}", "en": "• Line {line}: {message}"},
    "imp_preview_header": {
        "vi": "<b>Xem trước — văn bản {number} ngày {date}</b> (chưa ghi gì)",
        "en": "<b>Preview — directive {number} of {date}</b> (nothing written yet)",
    },
    "imp_done_header": {
        "vi": "<b>Đã nhập văn bản {number} ngày {date}</b>",
        "en": "<b>Imported directive {number} of {date}</b>",
    },
    "imp_nothing_changed": {
        "vi": "Văn bản {number}: dữ liệu đã khớp với tệp, không có gì thay đổi.",
        "en": "Directive {number}: the stored data already matches the file; nothing changes.",
    },
    "imp_directive_added": {"vi": "Văn bản: thêm mới.", "en": "Directive: new."},
    "imp_directive_changed": {"vi": "Văn bản: thay đổi.", "en": "Directive: changed."},
    "imp_directive_unchanged": {"vi": "Văn bản: giữ nguyên.", "en": "Directive: unchanged."},
    "imp_tasks_summary": {
        "vi": "<b>Nhiệm vụ</b>: {added} thêm mới, {changed} thay đổi, {unchanged} giữ nguyên",
        "en": "<b>Tasks</b>: {added} new, {changed} changed, {unchanged} unchanged",
    },
    "imp_meetings_summary": {
        "vi": "<b>Cuộc họp</b>: {added} thêm mới, {changed} thay đổi, {unchanged} giữ nguyên",
        "en": "<b>Meetings</b>: {added} new, {changed} changed, {unchanged} unchanged",
    },
    "imp_task_added": {"vi": "+ {ref} — {lead} — {due}", "en": "+ {ref} — {lead} — {due}"},
    "imp_task_changed": {"vi": "~ {ref}:", "en": "~ {ref}:"},
    "imp_meeting_added": {
        "vi": "+ {clause} {title} — {when} — {councils}",
        "en": "+ {clause} {title} — {when} — {councils}",
    },
    "imp_meeting_changed": {"vi": "~ {clause} ({councils}):", "en": "~ {clause} ({councils}):"},
    "imp_change": {
        "vi": "    {field}: {before} → {after}",
        "en": "    {field}: {before} → {after}",
    },
    "imp_councils_count": {"vi": "{count} Hội đồng", "en": "{count} councils"},
    "imp_no_deadline": {"vi": "không có hạn", "en": "no deadline"},
    "imp_no_when": {"vi": "chưa định thời gian", "en": "no time set"},
    "imp_empty_value": {"vi": "(trống)", "en": "(none)"},
    "imp_not_in_file": {
        "vi": "Có trong hệ thống nhưng không có trong tệp (giữ nguyên): {items}",
        "en": "Stored but not in the file (left as they are): {items}",
    },
    "imp_confirm_question": {
        "vi": "Bấm «Nhập» để ghi các thay đổi trên, hoặc «Hủy».",
        "en": "Press “Import” to write these changes, or “Cancel”.",
    },
    "imp_button_confirm": {"vi": "Nhập", "en": "Import"},
    "imp_button_cancel": {"vi": "Hủy", "en": "Cancel"},
    "imp_cancelled": {"vi": "Đã hủy, không nhập gì.", "en": "Cancelled; nothing was imported."},
    "imp_pending_gone": {
        "vi": "Yêu cầu nhập này không còn hiệu lực (đã xử lý hoặc quá 24 giờ). Vui lòng gửi lại tệp.",
        "en": "This import is no longer pending (already handled or older than 24 hours). "
        "Please send the file again.",
    },
    # Field names in change lists.
    "imp_field_text": {"vi": "nội dung", "en": "text"},
    "imp_field_lead": {"vi": "chủ trì", "en": "lead"},
    "imp_field_co": {"vi": "phối hợp", "en": "co-operating"},
    "imp_field_due": {"vi": "thời hạn", "en": "deadline"},
    "imp_field_deadline": {"vi": "hạn (đọc được)", "en": "deadline (as read)"},
    "imp_field_councils": {"vi": "Hội đồng", "en": "councils"},
    "imp_field_date": {"vi": "ngày ban hành", "en": "date"},
    "imp_field_issuer": {"vi": "cơ quan ban hành", "en": "issuer"},
    "imp_field_title": {"vi": "trích yếu / tên", "en": "title"},
    "imp_field_when": {"vi": "thời gian", "en": "when"},
    "imp_field_window_end": {"vi": "thời gian (đọc được)", "en": "when (as read)"},
    "imp_field_agenda": {"vi": "nội dung họp", "en": "agenda"},
    # Problems in a file (directive or registry): "<field>: <message>".
    "file_err_toml": {
        "vi": "tệp không đúng cú pháp TOML (cột {column}: {detail})",
        "en": "not valid TOML (column {column}: {detail})",
    },
    "file_err_unknown_key": {
        "vi": "trường này không có trong định dạng (viết sai tên?)",
        "en": "the format has no such field (a typo?)",
    },
    "file_err_type_tables": {
        "vi": "phải là các bảng [[{name}]]",
        "en": "must be [[{name}]] tables",
    },
    "file_err_required": {"vi": "thiếu trường bắt buộc", "en": "required field missing"},
    "file_err_type_string": {
        "vi": "phải là chuỗi ký tự trong dấu ngoặc kép",
        "en": "must be a quoted string",
    },
    "file_err_type_strings": {
        "vi": 'phải là danh sách chuỗi, ví dụ ["BTC", "BCT"]',
        "en": 'must be a list of strings, e.g. ["BTC", "BCT"]',
    },
    "file_err_type_date": {
        "vi": "phải là ngày dạng 2023-08-19 (không có dấu ngoặc kép)",
        "en": "must be a date written 2023-08-19 (without quotes)",
    },
    "file_err_empty": {"vi": "không được để trống", "en": "must not be empty"},
    "file_err_too_long": {
        "vi": "dài quá {limit} ký tự",
        "en": "longer than {limit} characters",
    },
    "file_err_unknown_council": {
        "vi": "không có Hội đồng mã {code}",
        "en": "no council has the code {code}",
    },
    "file_err_unknown_agency": {
        "vi": "không có cơ quan mã {code}",
        "en": "no agency has the code {code}",
    },
    "file_err_duplicate": {"vi": "{value} bị lặp lại", "en": "{value} is repeated"},
    "imp_err_nothing_to_import": {
        "vi": "tệp không có [[tasks]] hay [[meetings]] nào",
        "en": "the file has no [[tasks]] and no [[meetings]]",
    },
    "imp_err_not_secretariat": {
        "vi": "anh/chị không phải Thư ký của Hội đồng {code}",
        "en": "you are not secretariat of council {code}",
    },
    "imp_err_stored_council": {
        "vi": "văn bản này đã được giao cho Hội đồng {code}, anh/chị không phải Thư ký ở đó",
        "en": "this directive is already followed by council {code}, which you do not run",
    },
    "imp_err_clause_format": {
        "vi": "mục chỉ gồm chữ, số, '.', '-' và ngoặc, ví dụ \"2.a.1\"",
        "en": "a clause is letters, digits, '.', '-' and brackets, e.g. \"2.a.1\"",
    },
    "imp_err_duplicate_clause": {
        "vi": "mục {value} đã có ở dòng {line}",
        "en": "clause {value} already appears on line {line}",
    },
    "imp_err_co_is_lead": {
        "vi": "{code} là cơ quan chủ trì, không ghi lại ở phối hợp",
        "en": "{code} is the lead agency; do not list it as co-operating",
    },
    "imp_err_due_unreadable": {
        "vi": (
            "không đọc được thời hạn “{text}”. Viết như văn bản, ví dụ “trong quý IV năm "
            "2023”, “trước ngày 15/12/2023”; nếu văn bản không nêu thời hạn thì bỏ trường due"
        ),
        "en": (
            "cannot read the deadline “{text}”. Write it as the directive does, e.g. “trong "
            "quý IV năm 2023”, “trước ngày 15/12/2023”; leave out due if there is no deadline"
        ),
    },
    "imp_err_when_unreadable": {
        "vi": (
            "không đọc được thời gian “{text}”, ví dụ đúng: “Đầu tháng 12 năm 2023”, "
            "“9h ngày 5/12/2023”; bỏ trường when nếu chưa định"
        ),
        "en": (
            "cannot read the time “{text}”, e.g. “Đầu tháng 12 năm 2023”, “9h ngày "
            "5/12/2023”; leave out when if it is not set"
        ),
    },
}
