"""Names of the status categories (the Government Office's wording first)."""

TEXTS: dict[str, dict[str, str]] = {
    "category_on_time": {"vi": "Đang thực hiện – trong hạn", "en": "In progress – on time"},
    "category_due_soon": {"vi": "Sắp đến hạn", "en": "Due soon"},
    "category_overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "category_awaiting_confirmation": {"vi": "Chờ xác nhận", "en": "Awaiting confirmation"},
    "category_done_on_time": {"vi": "Hoàn thành đúng hạn", "en": "Done on time"},
    "category_done_late": {"vi": "Hoàn thành quá hạn", "en": "Done late"},
    "category_no_deadline": {"vi": "Không có hạn", "en": "No deadline"},
    "category_cancelled": {"vi": "Đã hủy", "en": "Cancelled"},
    "flag_obstacle": {"vi": "Có vướng mắc", "en": "Obstacle reported"},
}
