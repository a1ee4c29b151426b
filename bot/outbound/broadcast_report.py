"""A broadcast's delivery report as text with its buttons (refresh, remind, resend).

Shown by /broadcasts and the report button (handlers/broadcasts.py) and posted to the author when
a broadcast finishes in the background (bot/outbound/broadcast_jobs.py); living here, neither of
those two imports the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue import t
from bot.formatting import callback_data
from db.broadcasts import Report
from db.registry import get_council

if TYPE_CHECKING:
    from db.engine import Session


NAMES_SHOWN = 40


def render_report(session: Session, report: Report, lang: str) -> str:
    council = get_council(session=session, council_id=report.broadcast.council_id)
    lines: list[str] = [
        t(
            lang,
            "broadcast_report",
            id=report.broadcast.id,
            council=council.code if council else "?",
            delivered=report.delivered,
            total=report.total,
            failed=len(report.failed),
            pending=report.pending,
            acknowledged=report.acknowledged,
        )
    ]
    if report.failed:
        lines.append(t(lang, "broadcast_failed_header"))
        lines += [
            t(lang, "broadcast_failed_line", name=name, reason=reason)
            for name, reason in report.failed
        ]
    if report.unreachable:
        lines.append(t(lang, "broadcast_unreachable", names=", ".join(report.unreachable)))
    if report.not_acknowledged:
        names = report.not_acknowledged[:NAMES_SHOWN]
        more = len(report.not_acknowledged) - len(names)
        lines.append(
            t(
                lang,
                "broadcast_not_acknowledged",
                names=", ".join(names) + (f" (+{more})" if more else ""),
            )
        )
    return "\n".join(lines)


def report_keyboard(report: Report, lang: str) -> InlineKeyboardMarkup:
    broadcast_id = report.broadcast.id
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "button_refresh_report"),
                callback_data=callback_data("bc", broadcast_id, "report"),
            )
        ]
    ]
    if report.not_acknowledged:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "button_remind_unacknowledged"),
                    callback_data=callback_data("bc", broadcast_id, "remind"),
                )
            ]
        )
    if report.failed:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "button_resend_failed"),
                    callback_data=callback_data("bc", broadcast_id, "resend"),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)
