"""/start, /help and /lang."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import LANGUAGES, t
from bot.command_menu import set_member_menu
from bot.commands import COMMANDS, CommandSpec
from bot.context import BotContext
from db.members import set_language
from db.models import Role
from db.permissions import Actor
from handlers.replying import answer, answer_key

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


async def start(update: Update, context: BotContext) -> None:
    """Greet a registered user; anyone else learns how to get an invitation."""
    actor = context.actor
    if not actor.registered:
        await answer_key(update, context, "not_registered")
        return
    await answer_key(update, context, "welcome", name=actor.name)
    await _sync_menu(update, context)


async def _sync_menu(update: Update, context: BotContext) -> None:
    """In a private chat, bring the chat's command menu in line with the member's roles."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await set_member_menu(context.bot, context.actor)


def visible_commands(actor: Actor) -> list[CommandSpec]:
    """The commands this actor may use, in menu order."""
    return [spec for spec in COMMANDS if actor.allows(spec.access)]


def describe_roles(actor: Actor, lang: str) -> str:
    labels: list[str] = []
    if actor.is_admin:
        labels.append(t(lang, "role_admin"))
    for grant in actor.grants:
        if grant.role == Role.FOCAL_POINT:
            labels.append(t(lang, "role_focal_point", agency=grant.agency_code or "?"))
        else:
            labels.append(t(lang, f"role_{grant.role}"))
    return ", ".join(dict.fromkeys(labels))


async def show_help(update: Update, context: BotContext) -> None:
    """List exactly the commands this user's roles allow."""
    actor, lang = context.actor, context.lang
    lines: list[str] = [
        t(lang, "help_header"),
        t(lang, "help_roles", roles=describe_roles(actor, lang)),
    ]
    lines += [f"/{spec.name} — {t(lang, spec.description_key)}" for spec in visible_commands(actor)]
    lines += ["", t(lang, "help_footer")]
    await answer(update, context, "\n".join(lines))
    await _sync_menu(update, context)


async def change_language(update: Update, context: BotContext) -> None:
    """/lang vi|en sets the language; /lang alone offers both as buttons."""
    args = context.args or []
    choice = args[0].lower() if len(args) == 1 else None
    if choice not in LANGUAGES:
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}")]
                for code in LANGUAGES
            ]
        )
        await answer(update, context, t(context.lang, "lang_usage"), keyboard=keyboard)
        return
    await _set_language(update, context, choice)


async def choose_language(update: Update, context: BotContext) -> None:
    """The language buttons of /lang."""
    query = update.callback_query
    assert query is not None and query.data is not None
    choice = query.data.partition(":")[2]
    if choice not in LANGUAGES:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    await query.answer()
    await _set_language(update, context, choice)


async def _set_language(update: Update, context: BotContext, language: str) -> None:
    member_id = context.actor.member_id
    assert member_id is not None  # the gate lets only members through
    with context.runtime.session() as session:
        set_language(session=session, member_id=member_id, language=language)
    await answer(update, context, t(language, "lang_set"))
    await set_member_menu(context.bot, replace(context.actor, language=language))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CommandHandler("lang", change_language),
        CallbackQueryHandler(choose_language, pattern=r"^lang:"),
    ]
