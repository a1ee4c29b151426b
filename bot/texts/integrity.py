"""Confirm-once answers, shared tasks, and refusals that keep to what the actor may see."""

TEXTS: dict[str, dict[str, str]] = {
    "already_handled": {
        "vi": "Việc này đã được xử lý rồi (có thể ở một lần bấm khác); không có gì thay đổi thêm.",
        "en": "This was already handled (perhaps by another press); nothing more was changed.",
    },
}
