"""Texts for the input classes: ids, normalized text, lengths, percentages, nested files."""

TEXTS: dict[str, dict[str, str]] = {
    "id_out_of_range": {
        "vi": "Không tìm thấy mục số {ref}: số này không hợp lệ.",
        "en": "Nothing has the number {ref}: it is not a valid number.",
    },
}
