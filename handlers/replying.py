"""Sending answers: HTML, split under Telegram's length limit, in the actor's language."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import MESSAGE_LIMIT, split_message, utf16_length


async def answer(
    update: Update,
    context: BotContext,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send ``text`` to the chat of ``update``; a keyboard goes on the last part."""
    chat = update.effective_chat
    if chat is None:
        return None
    parts = split_message(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        sent = await context.bot.send_message(
            chat_id=chat.id,
            text=part,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if is_last else None,
            disable_web_page_preview=True,
        )
    return sent


async def answer_key(
    update: Update, context: BotContext, key: str, /, **params: object
) -> Message | None:
    """Send the catalogue text ``key`` in the actor's language."""
    return await answer(update, context, t(context.lang, key, **params))


async def refuse(update: Update, context: BotContext, text: str) -> None:
    """Tell the user no: as a pop-up for a button, as a message otherwise."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
        return
    await answer(update, context, text)


async def edit_or_answer(
    update: Update,
    context: BotContext,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """For a button press, replace the pressed message (pagination); otherwise send anew."""
    query = update.callback_query
    if query is None or query.message is None or utf16_length(text) > MESSAGE_LIMIT:
        return await answer(update, context, text, keyboard=keyboard)
    try:
        edited = await context.bot.edit_message_text(
            chat_id=query.message.chat.id,
            message_id=query.message.message_id,
            text=text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            disable_web_page_preview=True,
        )
    except BadRequest as error:
        # Pressing the page-number button again re-renders the same page.
        if "not modified" not in str(error).lower():
            raise
        return None
    return edited if isinstance(edited, Message) else None
