"""Telegram's command menu: the default one lists the members' commands; each member's private
chat gets the commands of their own roles, in their language (BotCommandScopeChat).

A member's menu is set when their roles change (an invitation redeemed, a role revoked), when
they change language, and on /start and /help (so members who joined before this existed get
theirs on their next visit). A failure is logged and never stops what the user asked for.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.catalogue import LANGUAGES, t
from bot.commands import COMMANDS, CommandSpec
from bot.runtime import Runtime
from db.members import get_member_by_telegram_id, member_actor
from db.permissions import Access, Actor

logger = logging.getLogger(__name__)


def commands_for(actor: Actor) -> list[CommandSpec]:
    """The commands this actor may use, in menu order (the menu and /help list the same)."""
    return [spec for spec in COMMANDS if actor.allows(spec.access)]


def menu_for(actor: Actor) -> list[BotCommand]:
    """The commands this actor's roles allow, described in their language."""
    return [
        BotCommand(spec.name, t(actor.language, spec.description_key))
        for spec in commands_for(actor)
    ]


async def set_member_menu(bot: Bot, actor: Actor) -> None:
    """Give the actor's private chat the menu of their roles; with no role left, the default."""
    scope = BotCommandScopeChat(actor.telegram_user_id)
    try:
        if actor.is_admin or actor.grants:
            await bot.set_my_commands(menu_for(actor), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # e.g. the member never opened a private chat
        logger.warning("command menu of user %s not set: %s", actor.telegram_user_id, error)


async def refresh_member_menu(
    bot: Bot, runtime: Runtime, *, member_id: int | None = None, telegram_user_id: int = 0
) -> None:
    """Set the menu of a stored member (by member id or Telegram id) from their roles now."""
    with runtime.session() as session:
        if member_id is None:
            member = get_member_by_telegram_id(session=session, telegram_user_id=telegram_user_id)
            member_id = member.id if member else None
        actor = (
            member_actor(
                session=session,
                member_id=member_id,
                admins=runtime.settings.access.admins,
                now=runtime.clock.now(),
            )
            if member_id is not None
            else None
        )
    if actor is not None:
        await set_member_menu(bot, actor)


async def set_default_menu(bot: Bot) -> None:
    """The menu of everyone without a chat of their own: member-level commands, vi and en."""
    member_commands = [spec for spec in COMMANDS if spec.access in (Access.ANYONE, Access.MEMBER)]
    for lang in LANGUAGES:
        await bot.set_my_commands(
            [BotCommand(spec.name, t(lang, spec.description_key)) for spec in member_commands],
            language_code=None if lang == "vi" else lang,
        )
