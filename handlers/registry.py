"""/invite, /start <code>, /members, /revoke, /councils and /agencies."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import Html, t
from bot.command_menu import refresh_member_menu
from bot.context import BotContext
from bot.formatting import callback_data, local_time
from db.ids import button_id
from db.invitations import create_invitation, redeem_invitation
from db.models import Role  # an enum: parsing and labelling roles
from db.registry import find_council, list_agencies, list_councils
from db.roles import (
    MemberLine,
    RoleLine,
    list_members,
    parse_role,
    revocable_roles,
    revoke_role,
    role_line,
)
from handlers.replying import answer, answer_key, edit_or_answer
from schedules.reminders import replan_council


def role_label(lang: str, role: Role, agency: str | None) -> Html:
    if role == Role.FOCAL_POINT:
        return t(lang, "role_focal_point", agency=agency or "?")
    return t(lang, f"role_{role}")


def _localized(name_vi: str, name_en: str, lang: str) -> str:
    return name_vi if lang == "vi" else name_en


# --- invitations ------------------------------------------------------------------------------


def invite_arguments(args: list[str]) -> tuple[str | None, Role, str | None] | None:
    """(council code, role, agency code) from ``[council] role [agency]``, or None."""
    if len(args) == 1:
        role = parse_role(args[0])
        return (None, role, None) if role else None
    if len(args) == 2:
        role = parse_role(args[0])
        if role is not None:
            return None, role, args[1]
        role = parse_role(args[1])
        return (args[0], role, None) if role else None
    if len(args) == 3:
        role = parse_role(args[1])
        return (args[0], role, args[2]) if role else None
    return None


async def invite_member(update: Update, context: BotContext) -> None:
    """/invite [<council>] <role> [<agency>]: a single-use, expiring invitation link."""
    parsed = invite_arguments(context.args or [])
    if parsed is None:
        await answer_key(update, context, "inv_usage")
        return
    council_code, role, agency_code = parsed
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        card = create_invitation(
            session=session,
            actor=context.actor,
            council_code=council_code,
            role=role,
            agency_code=agency_code,
            now=runtime.clock.now(),
            days=runtime.settings.access.invitation_days,
        )
    zone = card.council.timezone or runtime.settings.app.timezone
    await answer_key(
        update,
        context,
        "inv_created",
        role=role_label(lang, card.role, card.agency.code if card.agency else None),
        council=_localized(card.council.name_vi, card.council.name_en, lang),
        expires=local_time(card.expires_at, zone),
        link=f"https://t.me/{context.bot.username}?start={card.code}",
        code=card.code,
    )


async def accept_invitation(update: Update, context: BotContext) -> None:
    """/start <code> (what an invitation link sends): join the council with that role."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None
    runtime = context.runtime
    with runtime.session() as session:
        joined = redeem_invitation(
            session=session,
            code=(context.args or [""])[0],
            telegram_user_id=user.id,
            full_name=user.full_name,
            username=user.username,
            language=context.lang,
            private_chat=chat is not None and chat.type == ChatType.PRIVATE,
            now=runtime.clock.now(),
            admins=runtime.settings.access.admins,
        )
        # The new focal point or member gets the reminders already planned for their role.
        assert joined.council.id is not None
        replan_council(
            session=session,
            council_id=joined.council.id,
            now=runtime.clock.now(),
            config=runtime.reminders,
        )
    runtime.wake()
    await refresh_member_menu(context.bot, runtime, telegram_user_id=user.id)
    lang = context.lang
    await answer_key(
        update,
        context,
        "inv_joined",
        name=joined.member_name,
        council=_localized(joined.council.name_vi, joined.council.name_en, lang),
        role=role_label(lang, joined.role, joined.agency.code if joined.agency else None),
    )


# --- members ----------------------------------------------------------------------------------


async def show_members(update: Update, context: BotContext) -> None:
    """/members [<council>]: members with role, agency and whether the bot can reach them."""
    args = context.args or []
    if len(args) > 1:
        await answer_key(update, context, "mem_usage")
        return
    lang = context.lang
    with context.runtime.session() as session:
        councils = list_members(
            session=session, actor=context.actor, council_code=args[0] if args else None
        )
    lines: list[str] = []
    example: int | None = None
    for entry in councils:
        council = entry.council
        lines.append(
            t(
                lang,
                "mem_header",
                council=_localized(council.name_vi, council.name_en, lang),
                code=council.code,
                count=len(entry.members),
            )
        )
        lines += [_member_line(line, lang) for line in entry.members] or [t(lang, "mem_none")]
        lines.append("")
        if entry.members and example is None:
            example = entry.members[0].member_id
    if example is not None:
        lines.append(t(lang, "mem_footer", example=example))
    await answer(update, context, "\n".join(lines).strip())


def _member_line(line: MemberLine, lang: str) -> Html:
    reach = {True: "mem_reach_ok", False: "mem_reach_blocked", None: "mem_reach_unknown"}
    return t(
        lang,
        "mem_line",
        number=line.member_id,
        name=line.name,
        username=f" (@{line.username})" if line.username else "",
        role=role_label(lang, line.role, line.agency),
        reach=t(lang, reach[line.private_chat_ok]),
    )


# --- revoking ---------------------------------------------------------------------------------


async def revoke_member(update: Update, context: BotContext) -> None:
    """/revoke <member>: choose the role (if several), then confirm."""
    args = context.args or []
    if len(args) != 1:
        await answer_key(update, context, "rvk_usage")
        return
    lang = context.lang
    with context.runtime.session() as session:
        found = revocable_roles(session=session, actor=context.actor, reference=args[0])
    if len(found.roles) == 1:
        text, keyboard = _confirmation(found.name, found.roles[0], lang)
        await answer(update, context, text, keyboard=keyboard)
        return
    rows = [
        [
            InlineKeyboardButton(
                t(lang, "rvk_role_label", role=_role_of(line, lang), council=line.council),
                callback_data=callback_data("rvk", line.role_id),
            )
        ]
        for line in found.roles
    ]
    rows.append([_cancel_button(lang, 0)])
    await answer(
        update,
        context,
        t(lang, "rvk_choose", name=found.name),
        keyboard=InlineKeyboardMarkup(rows),
    )


async def press_revoke(update: Update, context: BotContext) -> None:
    """The buttons of /revoke: rvk:<role> (choose), rvk:<role>:ok (revoke), rvk:<role>:no."""
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    if len(parts) not in (2, 3) or parts[2:] not in ([], ["ok"], ["no"]):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    role_id, action = button_id(parts[1]), (parts[2] if len(parts) == 3 else "pick")
    runtime, lang = context.runtime, context.lang
    if action == "no":
        await query.answer()
        await close_buttons(update)
        await answer_key(update, context, "rvk_cancelled")
        return
    with runtime.session() as session:
        if action == "pick":
            name, line = role_line(session=session, actor=context.actor, role_id=role_id)
        else:
            name, line = revoke_role(
                session=session, actor=context.actor, role_id=role_id, now=runtime.clock.now()
            )
            # Reminders planned for the revoked role are cancelled.
            council = find_council(session=session, code=line.council)
            assert council is not None and council.id is not None
            replan_council(
                session=session,
                council_id=council.id,
                now=runtime.clock.now(),
                config=runtime.reminders,
            )
    await query.answer()
    if action == "pick":
        text, keyboard = _confirmation(name, line, lang)
        await edit_or_answer(update, context, text, keyboard=keyboard)
        return
    await close_buttons(update)
    await refresh_member_menu(context.bot, runtime, member_id=line.member_id)
    await answer_key(
        update, context, "rvk_done", role=_role_of(line, lang), name=name, council=line.council
    )


def _role_of(line: RoleLine, lang: str) -> Html:
    return role_label(lang, line.role, line.agency)


def _confirmation(name: str, line: RoleLine, lang: str) -> tuple[Html, InlineKeyboardMarkup]:
    text = t(lang, "rvk_confirm", role=_role_of(line, lang), name=name, council=line.council)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "rvk_button_confirm"),
                    callback_data=callback_data("rvk", line.role_id, "ok"),
                ),
                _cancel_button(lang, line.role_id),
            ]
        ]
    )
    return text, keyboard


def _cancel_button(lang: str, role_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t(lang, "rvk_button_cancel"), callback_data=callback_data("rvk", role_id, "no")
    )


async def close_buttons(update: Update) -> None:
    """Take the buttons off a message once its question is answered."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    with contextlib.suppress(BadRequest):  # already without buttons
        await query.edit_message_reply_markup(reply_markup=None)


# --- the registry -----------------------------------------------------------------------------


async def show_councils(update: Update, context: BotContext) -> None:
    """/councils: the councils and their codes (for /invite and directive files)."""
    lang = context.lang
    with context.runtime.session() as session:
        councils = list_councils(session=session)
    lines = [t(lang, "councils_header")] + [
        t(lang, "councils_line", code=c.code, name=_localized(c.name_vi, c.name_en, lang))
        for c in councils
    ]
    await answer(update, context, "\n".join(lines) if councils else t(lang, "registry_empty"))


async def show_agencies(update: Update, context: BotContext) -> None:
    """/agencies: the agencies and their codes."""
    lang = context.lang
    with context.runtime.session() as session:
        agencies = list_agencies(session=session)
    lines = [t(lang, "agencies_header")] + [
        t(lang, "agencies_line", code=a.code, name=_localized(a.name_vi, a.name_en, lang))
        for a in agencies
    ]
    await answer(update, context, "\n".join(lines) if agencies else t(lang, "registry_empty"))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        # Before /start in handlers/common.py: only /start with a code comes here.
        CommandHandler("start", accept_invitation, has_args=True),
        CommandHandler("invite", invite_member),
        CommandHandler("members", show_members),
        CommandHandler("revoke", revoke_member),
        CallbackQueryHandler(press_revoke, pattern=r"^rvk(:|$)"),
        CommandHandler("councils", show_councils),
        CommandHandler("agencies", show_agencies),
    ]
