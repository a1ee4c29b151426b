"""Directive intake: a letter (.docx, .pdf, text) read into proposed tasks and meetings."""

TEXTS: dict[str, dict[str, str]] = {
    # --- files that cannot be read ---------------------------------------------------------
    "intake_too_big": {
        "vi": "Tệp quá lớn (tối đa {limit} MB, giới hạn tải tệp của Telegram). Hãy gửi tệp Word của văn bản, hoặc dán nội dung văn bản.",
        "en": "The file is too large (at most {limit} MB, Telegram's download limit). Send the letter's Word file, or paste its text.",
    },
    "intake_image": {
        "vi": "Đây là ảnh, bot không đọc được chữ trong ảnh. Hãy gửi tệp Word (.docx) hoặc PDF có lớp chữ của văn bản, hoặc dán nội dung văn bản sau lệnh /import.",
        "en": "This is an image; the bot cannot read text in images. Send the letter as a Word (.docx) file or a PDF with a text layer, or paste its text after /import.",
    },
    "intake_format": {
        "vi": "Không đọc được tệp «{name}». Bot đọc tệp .docx, .pdf, .txt, .xlsx và .toml; tệp .doc cũ hãy lưu lại thành .docx.",
        "en": "Cannot read the file “{name}”. The bot reads .docx, .pdf, .txt, .xlsx and .toml files; save an old .doc file as .docx.",
    },
    "intake_too_long": {
        "vi": "Văn bản quá dài để đọc một lần. Hãy tách thành từng văn bản.",
        "en": "The text is too long to read at once. Please send one letter at a time.",
    },
    "intake_empty": {
        "vi": "Tệp không có nội dung chữ. Hãy gửi tệp Word của văn bản hoặc dán nội dung.",
        "en": "The file has no text. Send the letter's Word file or paste its text.",
    },
    "intake_encoding": {
        "vi": "Không nhận ra bảng mã của tệp chữ. Hãy lưu tệp với bảng mã UTF-8, hoặc dán nội dung.",
        "en": "The text file's encoding is not recognised. Save it as UTF-8, or paste the text.",
    },
    "intake_docx_corrupt": {
        "vi": "Tệp Word bị hỏng hoặc không phải .docx. Hãy mở tệp trong Word, lưu lại dạng .docx rồi gửi lại, hoặc dán nội dung.",
        "en": "The Word file is damaged or not a .docx. Open it in Word, save it as .docx and send it again, or paste the text.",
    },
    "intake_pdf_encrypted": {
        "vi": "Tệp PDF có mật khẩu, bot không mở được. Hãy gửi tệp Word của văn bản, hoặc dán nội dung.",
        "en": "The PDF is password-protected. Send the letter's Word file, or paste its text.",
    },
    "intake_pdf_corrupt": {
        "vi": "Tệp PDF bị hỏng, bot không đọc được. Hãy gửi tệp Word của văn bản, hoặc dán nội dung.",
        "en": "The PDF is damaged and cannot be read. Send the letter's Word file, or paste its text.",
    },
    "intake_pdf_scan": {
        "vi": "Tệp PDF là bản quét (ảnh), không có lớp chữ. Hãy gửi tệp Word của văn bản, hoặc dán nội dung văn bản sau lệnh /import.",
        "en": "The PDF is a scan with no text layer. Send the letter's Word file, or paste its text after /import.",
    },
    "intake_xlsx_corrupt": {
        "vi": "Tệp Excel bị hỏng hoặc không phải .xlsx. Hãy lưu lại dạng .xlsx rồi gửi lại.",
        "en": "The Excel file is damaged or not an .xlsx. Save it as .xlsx and send it again.",
    },
    "intake_xlsx_no_sheet": {
        "vi": "Tệp Excel thiếu trang «{sheet}». Hãy dùng tệp bot đã gửi khi xem trước.",
        "en": "The Excel file has no sheet “{sheet}”. Use the file the bot sent with the preview.",
    },
    "intake_xlsx_no_header": {
        "vi": "Không thấy dòng tiêu đề cột ({columns}) trong trang nhiệm vụ.",
        "en": "The task sheet has no header row ({columns}).",
    },
    "intake_xlsx_bad_date": {
        "vi": "ngày «{value}» không đọc được; ghi dạng 19/08/2023 hoặc 2023-08-19",
        "en": "the date “{value}” cannot be read; write it as 19/08/2023 or 2023-08-19",
    },
    # --- what stops an import --------------------------------------------------------------
    "intake_err_no_number": {
        "vi": "không thấy số văn bản (dòng «Số: …»); hãy gửi toàn văn, kể cả phần đầu",
        "en": "no letter number found (the “Số: …” line); send the whole letter, header included",
    },
    "intake_err_no_date": {
        "vi": "không thấy ngày ban hành; thời hạn được tính từ ngày này",
        "en": "no date of issue found; deadlines are read from it",
    },
    "intake_err_no_councils": {
        "vi": "chưa chọn Hội đồng theo dõi văn bản",
        "en": "no council chosen to follow the letter",
    },
    "intake_err_nothing": {
        "vi": "văn bản không giao nhiệm vụ hay cuộc họp nào",
        "en": "the letter assigns no task and calls no meeting",
    },
    "intake_err_no_lead": {
        "vi": "mục {clause}: chưa có cơ quan chủ trì (chọn cơ quan bằng nút ✏️)",
        "en": "clause {clause}: no lead agency yet (pick one with the ✏️ button)",
    },
    "intake_err_agency": {
        "vi": "mục {clause}: «{name}» không có trong danh mục cơ quan (chọn cơ quan, thêm tên gọi khác vào danh mục, hoặc tạo cơ quan mới)",
        "en": "clause {clause}: “{name}” is not in the agency registry (pick an agency, add an alias to the registry, or create it)",
    },
    # --- warnings ---------------------------------------------------------------------------
    "intake_warn_no_number": {
        "vi": "Không thấy số văn bản.",
        "en": "No letter number found.",
    },
    "intake_warn_no_date": {
        "vi": "Không thấy ngày ban hành; thời hạn chưa đọc được (dùng --date).",
        "en": "No date of issue found; deadlines cannot be read (use --date).",
    },
    "intake_warn_unknown_agency": {
        "vi": "«{name}» chưa có trong danh mục cơ quan.",
        "en": "“{name}” is not in the agency registry.",
    },
    "intake_warn_no_lead": {
        "vi": "Chưa rõ cơ quan chủ trì (văn bản không nêu cơ quan triệu tập hay cơ quan thường trực của Hội đồng): hãy chọn bằng nút ✏️.",
        "en": "No lead agency (the letter names neither who convenes nor the council's standing agency): pick one with the ✏️ button.",
    },
    "intake_warn_nothing": {
        "vi": "Không thấy nhiệm vụ hay cuộc họp nào được giao trong văn bản.",
        "en": "No task or meeting found in the letter.",
    },
    "intake_warn_due_several": {
        "vi": "Có nhiều thời hạn khác nhau («{text}»…): chưa ghi hạn, hãy chọn.",
        "en": "Several different deadlines (“{text}”…): none set, please choose.",
    },
    "intake_warn_due_relative": {
        "vi": "Thời hạn «{text}» tính từ một mốc chưa biết: chưa ghi hạn, hãy nhập ngày cụ thể.",
        "en": "The deadline “{text}” counts from an unknown day: none set, please enter a date.",
    },
    "intake_warn_due_recurring": {
        "vi": "«{text}» là hạn định kỳ: chưa ghi hạn; hãy nhập lịch định kỳ hoặc hạn kỳ đầu tiên.",
        "en": "“{text}” is a recurring deadline: none set; type the schedule or the first deadline.",
    },
    "intake_warn_due_past": {
        "vi": "Thời hạn «{text}» đã qua ở ngày ban hành (có thể là ngày của văn bản khác): chưa ghi hạn.",
        "en": "The deadline “{text}” was already over on the date of issue (perhaps another document's date): none set.",
    },
    # --- the proposal -----------------------------------------------------------------------
    "intake_header": {
        "vi": "<b>Văn bản {number}</b> ngày {date} — {issuer}\n{title}",
        "en": "<b>Letter {number}</b> of {date} — {issuer}\n{title}",
    },
    "intake_tasks_count": {
        "vi": "<b>{count} nhiệm vụ</b> (mục · chủ trì · phối hợp · thời hạn):",
        "en": "<b>{count} task(s)</b> (clause · lead · co-operating · deadline):",
    },
    "intake_task_line": {
        "vi": "{mark}<b>{clause}</b> · {lead} · {co} · {due}",
        "en": "{mark}<b>{clause}</b> · {lead} · {co} · {due}",
    },
    "intake_meetings_count": {
        "vi": "<b>{count} cuộc họp</b>:",
        "en": "<b>{count} meeting(s)</b>:",
    },
    "intake_meeting_line": {
        "vi": "<b>{clause}</b> · {title} · {when}",
        "en": "<b>{clause}</b> · {title} · {when}",
    },
    "intake_due_read": {"vi": "{text} (đọc là {reading})", "en": "{text} (read as {reading})"},
    "intake_no_due": {"vi": "không có hạn", "en": "no deadline"},
    "intake_none": {"vi": "—", "en": "—"},
    "intake_unknown": {"vi": "?", "en": "?"},
    "intake_unmatched": {"vi": "{name} ⚠", "en": "{name} ⚠"},
    "intake_councils": {"vi": "Hội đồng theo dõi: {codes}", "en": "Councils following it: {codes}"},
    "intake_warnings": {"vi": "<b>Cần kiểm tra:</b>", "en": "<b>Please check:</b>"},
    "intake_warning_line": {"vi": "• {where}{message}", "en": "• {where}{message}"},
    "intake_where": {"vi": "Mục {clause}: ", "en": "Clause {clause}: "},
    "intake_more_tasks": {
        "vi": "… và {count} nhiệm vụ nữa (xem đủ trong tệp Excel).",
        "en": "… and {count} more task(s) (all of them in the Excel file).",
    },
}

TEXTS.update(
    {
        "intake_paste_prompt": {
            "vi": "Hãy dán toàn văn văn bản (kể cả phần đầu: số, ngày) vào tin nhắn tiếp theo — hoặc gửi tệp văn bản (.docx, .pdf, .txt), tệp Excel (.xlsx) hay tệp .toml dưới dạng tài liệu với chú thích /import. Trong nhóm, hãy trả lời (reply) tin nhắn này. Định dạng: docs/directive-format.md",
            "en": "Paste the whole letter (header included: number, date) in your next message — or send the letter (.docx, .pdf, .txt), an Excel sheet (.xlsx) or a .toml file as a document captioned /import. In a group, reply to this message. Formats: docs/directive-format.md",
        },
        "intake_paste_too_short": {
            "vi": "Nội dung quá ngắn để là một văn bản. Hãy dán toàn văn văn bản.",
            "en": "That is too short to be a letter. Please paste the whole letter.",
        },
        "intake_question": {
            "vi": "Kiểm tra từng dòng; bấm số để sửa nhiệm vụ, rồi bấm «Nhập». Chưa ghi gì cho đến khi bấm «Nhập». Văn bản dán bị Telegram tách thành nhiều tin nhắn thì gửi tiếp phần còn lại: bot đọc lại cả văn bản.",
            "en": "Check each line; press a number to fix a task, then “Import”. Nothing is written until you press “Import”. If Telegram split a pasted letter into several messages, send the rest: the bot reads the whole letter again.",
        },
        "intake_button_resolve": {"vi": "❓ {name}", "en": "❓ {name}"},
        "intake_button_councils": {"vi": "🏛 Hội đồng", "en": "🏛 Councils"},
        "intake_button_xlsx": {"vi": "📊 Tệp Excel", "en": "📊 Excel file"},
        "intake_button_lead": {"vi": "Chủ trì", "en": "Lead"},
        "intake_button_co": {"vi": "Phối hợp", "en": "Co-operating"},
        "intake_button_due": {"vi": "Thời hạn", "en": "Deadline"},
        "intake_button_drop": {"vi": "🗑 Bỏ", "en": "🗑 Drop"},
        "intake_button_lead_is": {"vi": "Chủ trì: {code} — {name}", "en": "Lead: {code} — {name}"},
        "intake_button_create": {
            "vi": "➕ Tạo cơ quan «{name}»",
            "en": "➕ Create agency “{name}”",
        },
        "intake_task_text": {"vi": "<i>{text}</i>", "en": "<i>{text}</i>"},
        "intake_resolve_prompt": {
            "vi": "«{name}» chưa có trong danh mục. Chọn cơ quan tương ứng, hoặc tạo cơ quan mới:",
            "en": "“{name}” is not in the registry. Pick the matching agency, or create it:",
        },
        "intake_councils_prompt": {
            "vi": "Chọn các Hội đồng theo dõi văn bản (bấm để chọn / bỏ chọn):",
            "en": "Choose the councils that follow the letter (press to select / unselect):",
        },
        "intake_lead_prompt": {
            "vi": "Gõ mã hoặc tên cơ quan chủ trì mục {clause} (ví dụ BKHDT hoặc Bộ Kế hoạch và Đầu tư).",
            "en": "Type the code or name of the lead agency of clause {clause} (e.g. BKHDT).",
        },
        "intake_co_prompt": {
            "vi": "Gõ mã hoặc tên các cơ quan phối hợp mục {clause}, cách nhau bằng dấu phẩy; gõ - nếu không có.",
            "en": "Type the codes or names of clause {clause}'s co-operating agencies, comma-separated; - for none.",
        },
        "intake_due_prompt": {
            "vi": "Gõ thời hạn mục {clause} như văn bản viết (ví dụ: trong quý IV năm 2023, trước ngày 15/12/2023, hoặc lịch định kỳ: hằng quý, trước ngày 20 của tháng cuối quý); gõ - nếu không có hạn.",
            "en": "Type clause {clause}'s deadline as written (e.g. trong quý IV năm 2023, trước ngày 15/12/2023, or a schedule: hằng quý, trước ngày 20 của tháng cuối quý); - for none.",
        },
        "intake_xlsx_caption": {
            "vi": "Sửa trong Excel nếu cần, rồi gửi lại tệp này với chú thích /import.",
            "en": "Correct it in Excel if needed, then send this file back with the caption /import.",
        },
        "intake_task_gone": {
            "vi": "Nhiệm vụ này không còn trong bản đề xuất. Hãy dùng bản xem trước mới nhất.",
            "en": "That task is no longer in the proposal. Use the latest preview.",
        },
        "intake_agency_gone": {
            "vi": "Cơ quan này không còn trong danh mục.",
            "en": "That agency is no longer in the registry.",
        },
        "intake_agency_not_found": {
            "vi": "Không tìm thấy cơ quan «{name}» trong danh mục (xem /agencies). Hãy gõ lại mã hoặc tên.",
            "en": "No agency “{name}” in the registry (see /agencies). Type the code or name again.",
        },
        "intake_due_unreadable": {
            "vi": "Không đọc được thời hạn «{text}». Ví dụ: trong quý IV năm 2023, trước ngày 15/12/2023, tháng 10/2023.",
            "en": "Cannot read the deadline “{text}”. Examples: trong quý IV năm 2023, trước ngày 15/12/2023, tháng 10/2023.",
        },
        "intake_due_too_long": {
            "vi": "Thời hạn quá dài (tối đa {limit} ký tự).",
            "en": "The deadline is too long (at most {limit} characters).",
        },
    }
)

TEXTS["intake_nothing_found"] = {
    "vi": "Không thấy nhiệm vụ hay cuộc họp nào được giao trong văn bản này; chưa ghi gì. Nếu văn bản có giao việc, hãy gửi toàn văn (tệp .docx hoặc dán nội dung), hoặc dùng /assign để giao từng nhiệm vụ.",
    "en": "No task or meeting is assigned in this letter; nothing was written. If it does assign work, send the whole letter (.docx, or paste the text), or use /assign for each task.",
}

TEXTS["imp_more_in_file"] = {
    "vi": "… và {count} mục nữa (danh sách đầy đủ trong tệp gửi kèm).",
    "en": "… and {count} more (the full list is in the attached file).",
}
TEXTS["imp_full_list_caption"] = {
    "vi": "Danh sách đầy đủ của báo cáo nhập.",
    "en": "The import report's full list.",
}
