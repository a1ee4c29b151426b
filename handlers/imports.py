"""/import: a directive file sent as a document, previewed, then imported on confirmation."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.outbound.import_report import plain, render_issues, render_report, report_is_long
from bot.outbound.intake_view import SCREEN_TASKS
from db.imports import (
    MAX_FILE_BYTES,
    ImportOutcome,
    ImportReport,
    cancel_import,
    confirm_import,
    stage_import,
)
from db.intake.files import kind_of
from handlers.intake import download, press, read_document, read_pasted, wait_for_paste
from handlers.registry import close_buttons
from handlers.replying import answer, answer_key

IMPORT_CAPTION = r"^/import(@\w+)?(\s|$)"


async def import_document(update: Update, context: BotContext) -> None:
    """A document captioned /import: check it and show what it would change."""
    message = update.message
    assert message is not None and message.document is not None
    document = message.document
    if kind_of(document.file_name or "") != "toml":
        data = await download(update, context)
        if data is not None:
            await read_document(update, context, data, document.file_name or "")
        return
    limit_kb = MAX_FILE_BYTES // 1024
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        await answer_key(update, context, "imp_too_big", limit=limit_kb)
        return
    file = await document.get_file()
    if file.file_size is not None and file.file_size > MAX_FILE_BYTES:
        await answer_key(update, context, "imp_too_big", limit=limit_kb)
        return
    content = await file.download_as_bytearray()
    if len(content) > MAX_FILE_BYTES:
        await answer_key(update, context, "imp_too_big", limit=limit_kb)
        return
    try:
        source = bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError:
        await answer_key(update, context, "imp_not_utf8")
        return
    file_name = document.file_name or "directive.toml"
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        staged = stage_import(
            session=session,
            actor=context.actor,
            source=source,
            file_name=file_name,
            tz=runtime.settings.app.timezone,
            now=runtime.clock.now(),
        )
    if staged.token is None:
        await _report(update, context, staged.outcome, file_name)
        return
    assert staged.outcome.report is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "imp_button_confirm"),
                    callback_data=callback_data("imp", staged.token, "ok"),
                ),
                InlineKeyboardButton(
                    t(lang, "imp_button_cancel"),
                    callback_data=callback_data("imp", staged.token, "no"),
                ),
            ]
        ]
    )
    report = staged.outcome.report
    text = render_report(report, lang, limit=SCREEN_TASKS)
    await answer(
        update, context, text + "\n\n" + t(lang, "imp_confirm_question"), keyboard=keyboard
    )
    await _full_list(update, context, report)


async def import_usage(update: Update, context: BotContext) -> None:
    """/import with a pasted letter reads it; alone, waits for the letter's text."""
    message = update.message
    text = (message.text or "") if message is not None else ""
    pasted = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    if pasted.strip():
        await read_pasted(update, context, pasted)
    else:
        await wait_for_paste(update, context)


async def import_photo(update: Update, context: BotContext) -> None:
    """A photo captioned /import: the bot cannot read text in images; say what to send."""
    await answer_key(update, context, "intake_image")


async def press_import(update: Update, context: BotContext) -> None:
    """imp:<token>:ok imports the previewed file (checked again); imp:<token>:no drops it."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[2] not in ("ok", "no"):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    token, action = parts[1], parts[2]
    runtime = context.runtime
    with runtime.session() as session:
        if action == "ok":
            outcome = confirm_import(
                session=session,
                actor=context.actor,
                token=token,
                tz=runtime.settings.app.timezone,
                now=runtime.clock.now(),
                reminders=runtime.reminders,
            )
        else:
            cancel_import(
                session=session, actor=context.actor, token=token, now=runtime.clock.now()
            )
    runtime.wake()
    await query.answer()
    await close_buttons(update)
    if action == "no":
        await answer_key(update, context, "imp_cancelled")
        return
    await _report(update, context, outcome, "")


async def _report(
    update: Update, context: BotContext, outcome: ImportOutcome, file_name: str
) -> None:
    if outcome.report is None:
        await answer(update, context, render_issues(outcome.issues, context.lang, file_name))
    else:
        await answer(
            update, context, render_report(outcome.report, context.lang, limit=SCREEN_TASKS)
        )
        await _full_list(update, context, outcome.report)


async def _full_list(update: Update, context: BotContext, report: ImportReport) -> None:
    """Beyond a screenful, every line of the report as a text file."""
    chat = update.effective_chat
    if chat is None or not report_is_long(report, SCREEN_TASKS):
        return
    content = plain(render_report(report, context.lang)).encode("utf-8")
    name = re.sub(r"[^\w.-]+", "-", report.number)[:60] or "directive"
    await context.bot.send_document(
        chat_id=chat.id,
        document=InputFile(content, filename=f"{name}.txt"),
        caption=t(context.lang, "imp_full_list_caption"),
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        # CommandHandler does not look at captions: a document with /import is a message.
        MessageHandler(
            filters.Document.ALL & filters.CaptionRegex(IMPORT_CAPTION), import_document
        ),
        MessageHandler(filters.PHOTO & filters.CaptionRegex(IMPORT_CAPTION), import_photo),
        CommandHandler("import", import_usage),
        CallbackQueryHandler(press, pattern=r"^ix:"),
        CallbackQueryHandler(press_import, pattern=r"^imp(:|$)"),
    ]
