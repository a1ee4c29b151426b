"""/report: the workbook, the chart and the agency scorecard (the Government Office's wording).

Keys starting with ``xl_`` and ``chart_`` are plain text for the workbook and the chart (the
renderers unescape them); the others are Telegram HTML.
"""

TEXTS: dict[str, dict[str, str]] = {
    "cmd_report": {
        "vi": "báo cáo Excel và biểu đồ gửi cấp trên",
        "en": "the Excel report and chart for the chair and the Government",
    },
    "report_period_not_understood": {
        "vi": (
            "Không đọc được kỳ báo cáo “{text}”. Kỳ báo cáo viết như một thời hạn, ví dụ:\n"
            "• quý IV năm 2023\n• tháng 11/2023\n• năm 2023\n• từ 1/10/2023 đến 31/12/2023\n"
            "Không ghi kỳ: cả năm nay. Xem thêm docs/deadlines.md."
        ),
        "en": (
            "Could not read the period “{text}”. Write it as you would a deadline, e.g.:\n"
            "• Q4 2023\n• November 2023\n• 2023\n• from 1/10/2023 to 31/12/2023\n"
            "Without a period: this whole year. See docs/deadlines.md."
        ),
    },
    "report_no_council": {
        "vi": "Báo cáo dành cho Thường trực/Thư ký và Chủ tịch Hội đồng; anh/chị chưa có vai trò này.",
        "en": "Reports are for a council's secretariat and chair; you have neither role.",
    },
    "report_choose_council": {
        "vi": "Lập báo cáo cho Hội đồng nào?",
        "en": "Which council is the report for?",
    },
    "report_progress": {
        "vi": "⏳ Đang lập báo cáo kỳ {period}…",
        "en": "⏳ Preparing the report for {period}…",
    },
    "report_failed": {
        "vi": "❌ Không lập được báo cáo.",
        "en": "❌ The report could not be made.",
    },
    "report_sent": {
        "vi": "✅ Đã lập báo cáo {council}, kỳ {period}: {total} nhiệm vụ có hạn trong kỳ, {undated} nhiệm vụ không có hạn.",
        "en": "✅ Report of {council}, period {period}: {total} tasks due in the period, {undated} without a deadline.",
    },
    "report_caption": {
        "vi": (
            "<b>{council}</b> — kỳ {period}\n"
            "Tổng số: {total}{periods}. Hoàn thành đúng hạn {done_on_time}, quá hạn {done_late}; "
            "chưa hoàn thành: trong hạn {within}, quá hạn {overdue}; chờ xác nhận {awaiting}. "
            "Không có hạn: {undated}."
        ),
        "en": (
            "<b>{council}</b> — period {period}\n"
            "Total: {total}{periods}. Done on time {done_on_time}, late {done_late}; "
            "not done: within the deadline {within}, overdue {overdue}; awaiting confirmation "
            "{awaiting}. Without a deadline: {undated}."
        ),
    },
    "report_caption_periods": {
        "vi": " (trong đó {count} kỳ của nhiệm vụ định kỳ)",
        "en": " (of which {count} periods of recurring tasks)",
    },
    "report_chart_caption": {
        "vi": "📊 {council} — {period}",
        "en": "📊 {council} — {period}",
    },
    "report_period_all": {"vi": "mọi thời hạn", "en": "all deadlines"},
    "report_scope_agency": {"vi": "cơ quan {agency}", "en": "agency {agency}"},
    "report_scope_directive": {"vi": "văn bản {number}", "en": "directive {number}"},
    "status_chart_button": {"vi": "📊 Biểu đồ", "en": "📊 Chart"},
    "status_scorecard": {
        "vi": (
            "📋 Chủ trì: {due} nhiệm vụ đến hạn · {on_time} hoàn thành đúng hạn · {late} trễ hạn · "
            "{overdue} đang quá hạn · tỷ lệ đúng hạn {rate} · số ngày trễ (trung vị) {median}"
        ),
        "en": (
            "📋 As lead: {due} tasks due · {on_time} done on time · {late} done late · "
            "{overdue} overdue now · on-time rate {rate} · median days late {median}"
        ),
    },
    # --- the workbook (plain text) -------------------------------------------------------------
    "xl_sheet_summary": {"vi": "Tổng hợp", "en": "Summary"},
    "xl_sheet_appendix": {"vi": "Phụ lục", "en": "Appendix"},
    "xl_sheet_undated": {"vi": "Không có hạn", "en": "No deadline"},
    "xl_title": {
        "vi": "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO",
        "en": "REPORT ON THE TASKS ASSIGNED",
    },
    "xl_appendix_title": {
        "vi": "PHỤ LỤC: DANH MỤC NHIỆM VỤ CÓ THỜI HẠN TRONG KỲ",
        "en": "APPENDIX: TASKS WITH A DEADLINE IN THE PERIOD",
    },
    "xl_undated_title": {
        "vi": "DANH MỤC NHIỆM VỤ KHÔNG CÓ THỜI HẠN",
        "en": "TASKS WITHOUT A DEADLINE",
    },
    "xl_council": {"vi": "Hội đồng: {council}", "en": "Council: {council}"},
    "xl_period": {
        "vi": "Kỳ báo cáo (theo thời hạn nhiệm vụ): {period}",
        "en": "Period (by the tasks' deadlines): {period}",
    },
    "xl_generated": {
        "vi": "Số liệu tính đến: {now}",
        "en": "Figures as of: {now}",
    },
    "xl_scope": {"vi": "Phạm vi: {scope}", "en": "Scope: {scope}"},
    "xl_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "xl_count": {"vi": "Số nhiệm vụ", "en": "Tasks"},
    "xl_share": {"vi": "Tỷ lệ", "en": "Share"},
    "xl_total": {
        "vi": "Tổng số nhiệm vụ có thời hạn trong kỳ",
        "en": "Tasks with a deadline in the period",
    },
    "xl_periods": {
        "vi": "Trong đó: số kỳ của nhiệm vụ định kỳ",
        "en": "Of which: periods of recurring tasks",
    },
    "xl_due": {"vi": "Nhiệm vụ đến hạn", "en": "Tasks due"},
    "xl_done_on_time": {"vi": "Đã hoàn thành đúng hạn", "en": "Completed on time"},
    "xl_done_late": {"vi": "Đã hoàn thành quá hạn", "en": "Completed late"},
    "xl_within": {"vi": "Chưa hoàn thành – trong hạn", "en": "Not completed – within the deadline"},
    "xl_overdue": {"vi": "Chưa hoàn thành – quá hạn", "en": "Not completed – overdue"},
    "xl_awaiting": {"vi": "Chờ xác nhận hoàn thành", "en": "Awaiting confirmation"},
    "xl_obstacles": {"vi": "Có vướng mắc chưa xử lý", "en": "With an open obstacle"},
    "xl_no_deadline": {
        "vi": "Không có thời hạn (liệt kê riêng)",
        "en": "Without a deadline (listed apart)",
    },
    "xl_by_agency": {"vi": "THEO CƠ QUAN CHỦ TRÌ", "en": "BY LEAD AGENCY"},
    "xl_stt": {"vi": "STT", "en": "No."},
    "xl_code": {"vi": "Mã", "en": "Code"},
    "xl_agency": {"vi": "Cơ quan chủ trì", "en": "Lead agency"},
    "xl_col_total": {"vi": "Tổng số", "en": "Total"},
    "xl_col_done_on_time": {"vi": "Hoàn thành đúng hạn", "en": "Done on time"},
    "xl_col_done_late": {"vi": "Hoàn thành quá hạn", "en": "Done late"},
    "xl_col_within": {"vi": "Chưa HT – trong hạn", "en": "Not done – within"},
    "xl_col_overdue": {"vi": "Chưa HT – quá hạn", "en": "Not done – overdue"},
    "xl_col_awaiting": {"vi": "Chờ xác nhận", "en": "Awaiting confirmation"},
    "xl_col_obstacles": {"vi": "Có vướng mắc", "en": "Open obstacle"},
    "xl_col_no_deadline": {"vi": "Không có hạn", "en": "No deadline"},
    "xl_col_due": {"vi": "Đến hạn", "en": "Due"},
    "xl_col_rate": {"vi": "Tỷ lệ hoàn thành đúng hạn", "en": "On-time rate"},
    "xl_col_median_late": {"vi": "Số ngày trễ (trung vị)", "en": "Median days late"},
    "xl_all_agencies": {"vi": "Tổng cộng", "en": "All agencies"},
    "xl_col_directive": {"vi": "Văn bản", "en": "Directive"},
    "xl_col_clause": {"vi": "Mục", "en": "Clause"},
    "xl_col_task": {"vi": "Nội dung nhiệm vụ", "en": "Task"},
    "xl_col_co": {"vi": "Cơ quan phối hợp", "en": "Co-operating"},
    "xl_col_due_text": {"vi": "Thời hạn (theo văn bản)", "en": "Deadline (as written)"},
    "xl_col_period": {"vi": "Kỳ", "en": "Period"},
    "xl_col_due_read": {"vi": "Thời hạn (đọc là)", "en": "Deadline (as read)"},
    "xl_col_approved": {"vi": "Thời hạn được gia hạn", "en": "Extended to"},
    "xl_col_status": {"vi": "Tình trạng", "en": "Status"},
    "xl_col_percent": {"vi": "Tiến độ", "en": "Progress"},
    "xl_col_update_date": {"vi": "Cập nhật gần nhất", "en": "Latest update"},
    "xl_col_update_by": {"vi": "Người cập nhật", "en": "By"},
    "xl_col_update_text": {"vi": "Nội dung cập nhật", "en": "Update"},
    "xl_col_obstacle": {"vi": "Vướng mắc chưa xử lý", "en": "Open obstacle"},
    "xl_col_task_id": {"vi": "Mã nhiệm vụ", "en": "Task id"},
    "xl_nothing": {"vi": "Không có nhiệm vụ nào.", "en": "No tasks."},
    # --- the chart (plain text) ----------------------------------------------------------------
    "chart_agencies_title": {
        "vi": "Nhiệm vụ theo cơ quan chủ trì và tình trạng",
        "en": "Tasks by lead agency and status",
    },
    "chart_trend_title": {
        "vi": "Tỷ lệ hoàn thành đúng hạn, 12 tuần gần nhất",
        "en": "On-time completion, last 12 weeks",
    },
    "chart_tasks_axis": {"vi": "Số nhiệm vụ", "en": "Tasks"},
    "chart_rate_axis": {"vi": "Hoàn thành đúng hạn (%)", "en": "Completed on time (%)"},
    "chart_completed_axis": {"vi": "Số nhiệm vụ hoàn thành", "en": "Tasks completed"},
    "chart_week_of": {"vi": "Tuần từ", "en": "Week of"},
    "chart_others": {"vi": "Khác ({count})", "en": "Others ({count})"},
    "chart_no_tasks": {"vi": "Không có nhiệm vụ", "en": "No tasks"},
    "chart_series_done_on_time": {"vi": "Hoàn thành đúng hạn", "en": "Done on time"},
    "chart_series_done_late": {"vi": "Hoàn thành quá hạn", "en": "Done late"},
    "chart_series_within_deadline": {
        "vi": "Đang thực hiện – trong hạn",
        "en": "In progress – on time",
    },
    "chart_series_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "chart_series_awaiting": {"vi": "Chờ xác nhận", "en": "Awaiting confirmation"},
    "chart_series_no_deadline": {"vi": "Không có hạn", "en": "No deadline"},
    # --- the command line ----------------------------------------------------------------------
    "report_cli_written": {
        "vi": "Đã ghi {path}: {total} nhiệm vụ có hạn trong kỳ {period}, {undated} không có hạn.",
        "en": "Wrote {path}: {total} tasks due in the period {period}, {undated} without a deadline.",
    },
}
