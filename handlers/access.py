"""The access gate: runs before every handler, loads the actor, applies the policy.

It is registered in handler group -1, so no handler logic runs for a refused update. What a
command or button needs is read from bot/commands.py; the decision is db.permissions.Actor.allows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.catalogue import normalize_language, t
from bot.commands import CALLBACK_ACCESS, COMMANDS_BY_NAME
from bot.context import BotContext
from bot.inbox import actor_read_ahead
from bot.update_scope import note_outcome
from db.members import actor_from_rows, load_actor
from db.permissions import Access
from handlers.replying import refuse

logger = logging.getLogger(__name__)

# Plain messages that reach the bot: private messages and replies to the bot in groups.
MESSAGE_ACCESS = Access.MEMBER


def command_of(message: Message, bot_username: str) -> str | None:
    """The command a message starts with (text or caption), or None; '@otherbot' is not ours."""
    text = message.text or message.caption or ""
    entities = message.entities if message.text else message.caption_entities
    for entity in entities:
        if entity.type == "bot_command" and entity.offset == 0:
            command = text[1 : entity.length]
            name, _, addressee = command.partition("@")
            if addressee and addressee.lower() != bot_username.lower():
                return None
            return name.lower()
    return None


def _is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot_id)


@dataclass(frozen=True)
class Unknown:
    """A command the bot does not have (``command`` set) or a button it no longer knows."""

    command: str | None = None


def required_access(update: Update, context: BotContext) -> Access | Unknown | None:
    """What the update needs, or None when it is not meant for the bot at all."""
    if update.callback_query is not None:
        if update.callback_query.message is None:
            # A button of an inline message: the bot has no inline mode, so none is its own,
            # and every handler answers in the button's chat, which it has not.
            return Unknown()
        # Every family's data is "<prefix>:<arguments>"; anything else is stale or forged.
        prefix, colon, _ = (update.callback_query.data or "").partition(":")
        return CALLBACK_ACCESS.get(prefix, Unknown()) if colon else Unknown()
    message = update.message
    if message is None:  # edited messages, channel posts, member updates: not commands
        return None
    command = command_of(message, context.bot.username)
    if command is not None:
        spec = COMMANDS_BY_NAME.get(command)
        return spec.access if spec else Unknown("/" + command)
    if message.chat.type == ChatType.PRIVATE or _is_reply_to_bot(message, context.bot.id):
        return MESSAGE_ACCESS
    return None  # group conversation that does not concern the bot


async def gate(update: Update, context: BotContext) -> None:
    """Load the actor and stop the update here unless the policy allows it."""
    user = update.effective_user
    needed = required_access(update, context)
    if user is None or needed is None:
        raise ApplicationHandlerStop
    runtime = context.runtime
    fallback = normalize_language(user.language_code, runtime.settings.app.default_language)
    chat = update.effective_chat
    private_chat = chat is not None and chat.type == ChatType.PRIVATE
    admins = runtime.settings.access.admins
    rows = actor_read_ahead(runtime, update.update_id)
    ahead = (
        actor_from_rows(rows, fallback_language=fallback, admins=admins, private_chat=private_chat)
        if rows is not None and rows.telegram_user_id == user.id
        else None
    )
    if ahead is not None:  # read with the inbox row a moment ago: no statement here
        context.actor = ahead
    else:
        with runtime.session() as session:
            context.actor = load_actor(
                session=session,
                telegram_user_id=user.id,
                full_name=user.full_name,
                username=user.username,
                fallback_language=fallback,
                admins=admins,
                now=runtime.clock.now(),
                private_chat=private_chat,
            )
    actor = context.actor
    if isinstance(needed, Access) and actor.allows(needed):
        return
    note_outcome("refused")
    if not actor.registered:
        await refuse(update, context, t(actor.language, "not_registered"))
    elif isinstance(needed, Unknown) and needed.command is None:
        await refuse(update, context, t(actor.language, "stale_button"))
    elif isinstance(needed, Unknown):
        await refuse(update, context, t(actor.language, "unknown_command", command=needed.command))
    else:
        logger.info("refused user=%s access=%s", user.id, needed)
        await refuse(update, context, t(actor.language, "forbidden"))
    raise ApplicationHandlerStop


def gate_handler() -> TypeHandler[Update, BotContext, None]:
    return TypeHandler(Update, gate)
