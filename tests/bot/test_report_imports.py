"""matplotlib and XlsxWriter are imported when a report is made, never when the bot starts
(importing matplotlib alone costs about half a second of the 2 s start-up budget)."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_bot_imports_neither_matplotlib_nor_xlsxwriter() -> None:
    probe = (
        "import sys, bot.application, bot.cli; "
        "print(sorted(m for m in ('matplotlib', 'xlsxwriter', 'openpyxl', 'numpy') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
