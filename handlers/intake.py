"""A letter sent to the bot (.docx, .pdf, .txt, .xlsx, or pasted after /import) becomes a
proposal that its author corrects with buttons and then imports (db/intake)."""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest

from bot.catalogue import t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.outbound.import_report import render_issues, render_report
from bot.outbound.intake_view import SCREEN_TASKS, render_proposal, task_line
from db.errors import AppError, InvalidInput
from db.ids import MAX_ROW_ID, button_number
from db.intake import read_letter, registry_from_db
from db.intake.files import read_proposal
from db.intake.pending import (
    Editor,
    Staged,
    agency_choices,
    cancel_staged,
    confirm_staged,
    council_choices,
    load_staged,
    stage_proposal,
    unmatched_names,
)
from db.intake.spreadsheet import write_xlsx
from db.intake.text import MAX_LETTER_BYTES, clean
from db.pending import drop_pending, get_pending, set_pending
from handlers.registry import close_buttons
from handlers.replying import answer, answer_key

if TYPE_CHECKING:
    from db.engine import Session
    from db.models import PendingInput

PASTE = "intake_paste"
WAIT_LEAD, WAIT_CO, WAIT_DUE = "intake_lead", "intake_co", "intake_due"
TOKEN = r"[A-Za-z0-9_-]{10,40}"
BUTTON = re.compile(
    rf"^ix:(?P<token>{TOKEN}):(?P<act>[a-zA-Z]{{1,2}})(?::(?P<a>\d{{1,6}}))?"
    rf"(?::(?P<b>\d{{1,10}}))?$"
)
PASTE_MIN = 40
MAX_PASTE = 400_000  # characters kept while a pasted letter arrives in several messages


async def read_document(update: Update, context: BotContext, data: bytes, name: str) -> None:
    """A letter or a sheet already downloaded: read it and show the proposal."""
    runtime = context.runtime
    with runtime.session() as session:
        proposal, _, issues = read_proposal(
            session=session,
            data=data,
            file_name=name,
            tz=runtime.settings.app.timezone,
            now=runtime.clock.now(),
        )
        if proposal is None or not (proposal.tasks or proposal.meetings):
            staged = None
        else:
            staged = stage_proposal(
                session=session,
                actor=context.actor,
                proposal=proposal,
                file_name=name,
                tz=runtime.settings.app.timezone,
                now=runtime.clock.now(),
            )
    if staged is None and proposal is not None:
        await answer_key(update, context, "intake_nothing_found")
    elif staged is None:
        await answer(update, context, render_issues(issues, context.lang, name))
    else:
        await show(update, context, staged)


async def read_pasted(
    update: Update, context: BotContext, text: str, earlier: dict[str, Any] | None = None
) -> None:
    """Text pasted after /import: read it as a letter. Telegram splits a long paste into
    several messages, so the next message in the chat continues the letter: the whole text is
    read again and replaces the proposal shown before."""
    earlier = earlier or {}
    text = f"{earlier.get('text', '')}\n{text}".strip()
    if len(text) < PASTE_MIN:
        await answer_key(update, context, "intake_paste_too_short")
        return
    chat = update.effective_chat
    assert chat is not None and context.actor.member_id is not None
    runtime = context.runtime
    tz, now = runtime.settings.app.timezone, runtime.clock.now()
    staged = None
    with runtime.session() as session:
        if earlier.get("token"):
            with contextlib.suppress(AppError):
                cancel_staged(
                    session=session,
                    actor=context.actor,
                    token=str(earlier["token"]),
                    tz=tz,
                    now=now,
                )
        proposal = read_letter(clean(text), registry=registry_from_db(session), tz=tz, now=now)
        if proposal.tasks or proposal.meetings:
            staged = stage_proposal(
                session=session,
                actor=context.actor,
                proposal=proposal,
                file_name="",
                tz=tz,
                now=now,
            )
        set_pending(
            session=session,
            member_id=context.actor.member_id,
            chat_id=chat.id,
            action=PASTE,
            now=now,
            data={"text": text[:MAX_PASTE], "token": staged.token if staged else None},
        )
    if staged is None:
        await answer_key(update, context, "intake_nothing_found")
    else:
        await show(update, context, staged)


async def wait_for_paste(update: Update, context: BotContext) -> None:
    """/import alone: the next message in this chat is the letter's text."""
    chat = update.effective_chat
    assert chat is not None and context.actor.member_id is not None
    runtime = context.runtime
    with runtime.session() as session:
        set_pending(
            session=session,
            member_id=context.actor.member_id,
            chat_id=chat.id,
            action=PASTE,
            now=runtime.clock.now(),
        )
    await answer_key(update, context, "intake_paste_prompt")


async def show(update: Update, context: BotContext, staged: Staged) -> None:
    """The proposal, one line per task, with the buttons that correct and import it."""
    lang = context.lang
    proposal = staged.proposal
    text = render_proposal(proposal, lang, limit=SCREEN_TASKS, marks=True)
    rows: list[list[InlineKeyboardButton]] = []
    task_buttons = [
        InlineKeyboardButton(f"✏️ {i + 1}", callback_data=callback_data("ix", staged.token, "t", i))
        for i in range(min(len(proposal.tasks), SCREEN_TASKS))
    ]
    rows += [task_buttons[k : k + 8] for k in range(0, len(task_buttons), 8)]
    for k, name in enumerate(unmatched_names(proposal)[:8]):
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "intake_button_resolve", name=name[:40]),
                    callback_data=callback_data("ix", staged.token, "a", k),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "intake_button_councils"),
                callback_data=callback_data("ix", staged.token, "g"),
            ),
            InlineKeyboardButton(
                t(lang, "intake_button_xlsx"), callback_data=callback_data("ix", staged.token, "x")
            ),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(
                t(lang, "imp_button_confirm"), callback_data=callback_data("ix", staged.token, "ok")
            ),
            InlineKeyboardButton(
                t(lang, "imp_button_cancel"), callback_data=callback_data("ix", staged.token, "no")
            ),
        ]
    )
    await answer(
        update,
        context,
        text + "\n\n" + t(lang, "intake_question"),
        keyboard=InlineKeyboardMarkup(rows),
    )


async def press(update: Update, context: BotContext) -> None:
    """ix:<token>:<action>[:<a>[:<b>]] — every button of a proposal."""
    query = update.callback_query
    assert query is not None
    m = BUTTON.match(query.data or "")
    if m is None:
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    token, act = m["token"], m["act"]
    a = button_number(m["a"], limit=999_999) if m["a"] is not None else None
    b = button_number(m["b"], limit=MAX_ROW_ID) if m["b"] is not None else None
    needs = {"t": 1, "d": 1, "l": 1, "c": 1, "u": 1, "a": 1, "N": 1, "G": 1, "L": 2, "A": 2}
    if (
        (needs.get(act, 0) >= 1 and a is None)
        or (needs.get(act, 0) == 2 and b is None)
        or (act not in needs and act not in ("ok", "no", "x", "g"))
    ):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    runtime = context.runtime
    tz, now, lang = runtime.settings.app.timezone, runtime.clock.now(), context.lang
    if act in ("ok", "no"):
        with runtime.session() as session:
            if act == "ok":
                outcome = confirm_staged(
                    session=session,
                    actor=context.actor,
                    token=token,
                    tz=tz,
                    now=now,
                    reminders=runtime.reminders,
                )
            else:
                cancel_staged(session=session, actor=context.actor, token=token, tz=tz, now=now)
            if act == "no" or outcome.report is not None:  # a refused import keeps its proposal
                _end_intake_input(update, context, session)
        runtime.wake()
        await query.answer()
        await close_buttons(update)
        if act == "no":
            await answer_key(update, context, "imp_cancelled")
        elif outcome.report is None:
            await answer(update, context, render_issues(outcome.issues, lang, ""))
        else:
            await answer(update, context, render_report(outcome.report, lang))
        return
    if act == "x":
        with runtime.session() as session:
            pending, proposal = load_staged(
                session=session, actor=context.actor, token=token, tz=tz, now=now
            )
            name = pending.file_name.rsplit(".", 1)[0] or proposal.number or "van-ban"
        await query.answer()
        chat = update.effective_chat
        assert chat is not None
        safe = re.sub(r"[^\w.-]+", "-", name)[:60] or "van-ban"
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(write_xlsx(proposal), filename=f"{safe}.xlsx"),
            caption=t(lang, "intake_xlsx_caption"),
        )
        return
    if act in ("t", "a", "g", "l", "c", "u"):
        await _menu(update, context, token, act, a or 0)
        return
    with runtime.session() as session:
        editor = Editor(session=session, actor=context.actor, token=token, tz=tz, now=now)
        if act == "d":
            staged = editor.drop(a or 0)
        elif act == "G":
            staged = editor.toggle_council(a or 0)
        elif act == "L":
            staged = editor.set_lead(a or 0, b or 0)
        elif act == "A":
            staged = editor.resolve_name(a or 0, b or 0)
        else:  # "N": create the agency
            staged, _ = editor.create_agency(a or 0)
    await query.answer()
    await close_buttons(update)
    await show(update, context, staged)


def _end_intake_input(update: Update, context: BotContext, session: Session) -> None:
    """A proposal imported or cancelled ends what the chat awaited for it (the pasted letter's
    next part, a task's lead...): the next message is the member's own again, not the letter's
    continuation read once more."""
    chat = update.effective_chat
    member_id = context.actor.member_id
    if chat is None or member_id is None:
        return
    pending = get_pending(
        session=session, member_id=member_id, chat_id=chat.id, now=context.runtime.clock.now()
    )
    if pending is not None and pending.action.startswith("intake"):
        drop_pending(session=session, pending=pending)


async def _menu(update: Update, context: BotContext, token: str, act: str, index: int) -> None:
    """The second level: one task's fixes, an unmatched name's choices, councils, or a prompt."""
    query = update.callback_query
    assert query is not None
    runtime = context.runtime
    tz, now, lang = runtime.settings.app.timezone, runtime.clock.now(), context.lang
    chat = update.effective_chat
    assert chat is not None and context.actor.member_id is not None
    rows: list[list[InlineKeyboardButton]] = []
    with runtime.session() as session:
        _, proposal = load_staged(session=session, actor=context.actor, token=token, tz=tz, now=now)
        if act in ("t", "l", "c", "u") and not 0 <= index < len(proposal.tasks):
            raise InvalidInput("intake_task_gone")
        if act == "t":
            task = proposal.tasks[index]
            text = task_line(task, lang) + "\n" + t(lang, "intake_task_text", text=task.text)
            rows = [
                [
                    InlineKeyboardButton(
                        t(lang, f"intake_button_{kind}"),
                        callback_data=callback_data("ix", token, code, index),
                    )
                    for kind, code in (("lead", "l"), ("co", "c"), ("due", "u"), ("drop", "d"))
                ]
            ]
            for agency in agency_choices(session, registry_from_db(session), task.lead or "", 4):
                rows.append(
                    [
                        InlineKeyboardButton(
                            t(
                                lang,
                                "intake_button_lead_is",
                                code=agency.code,
                                name=agency.name_vi[:30],
                            ),
                            callback_data=callback_data("ix", token, "L", index, agency.id),
                        )
                    ]
                )
        elif act == "a":
            names = unmatched_names(proposal)
            if not 0 <= index < len(names):
                raise InvalidInput("intake_task_gone")
            text = t(lang, "intake_resolve_prompt", name=names[index])
            for agency in agency_choices(session, registry_from_db(session), names[index]):
                rows.append(
                    [
                        InlineKeyboardButton(
                            f"{agency.code} — {agency.name_vi[:40]}",
                            callback_data=callback_data("ix", token, "A", index, agency.id),
                        )
                    ]
                )
            rows.append(
                [
                    InlineKeyboardButton(
                        t(lang, "intake_button_create", name=names[index][:40]),
                        callback_data=callback_data("ix", token, "N", index),
                    )
                ]
            )
        elif act == "g":
            text = t(lang, "intake_councils_prompt")
            for council in council_choices(session, context.actor):
                mark = "✅" if council.code in proposal.councils else "▫️"
                rows.append(
                    [
                        InlineKeyboardButton(
                            f"{mark} {council.code}",
                            callback_data=callback_data("ix", token, "G", council.id),
                        )
                    ]
                )
        else:
            action = {"l": WAIT_LEAD, "c": WAIT_CO, "u": WAIT_DUE}[act]
            set_pending(
                session=session,
                member_id=context.actor.member_id,
                chat_id=chat.id,
                action=action,
                now=now,
                data={"token": token, "index": index},
            )
            text = t(lang, f"{action}_prompt", clause=proposal.tasks[index].clause)
    await query.answer()
    await answer(update, context, text, keyboard=InlineKeyboardMarkup(rows) if rows else None)


async def continue_intake(
    update: Update, context: BotContext, pending: PendingInput, text: str
) -> None:
    """A typed answer: the pasted letter, or a task's lead, co-operating agencies, deadline."""
    if pending.action == PASTE:
        await read_pasted(update, context, text, dict(pending.data))
        return
    runtime = context.runtime
    token, index = str(pending.data.get("token", "")), int(pending.data.get("index", -1))
    with runtime.session() as session:
        editor = Editor(
            session=session,
            actor=context.actor,
            token=token,
            tz=runtime.settings.app.timezone,
            now=runtime.clock.now(),
        )
        if pending.action == WAIT_LEAD:
            staged = editor.set_lead_text(index, text)
        elif pending.action == WAIT_CO:
            staged = editor.set_co_text(index, text)
        else:
            staged = editor.set_due_text(index, text)
    await show(update, context, staged)


async def download(
    update: Update, context: BotContext, limit: int = MAX_LETTER_BYTES
) -> bytes | None:
    """The message's document, or None after telling the user why not. The size Telegram gives
    (in the message, else from getFile) is checked before anything is downloaded."""
    message = update.message
    assert message is not None and message.document is not None
    document = message.document
    too_big = "intake_too_big"
    if document.file_size is not None and document.file_size > limit:
        await answer_key(update, context, too_big, limit=limit // (1024 * 1024) or 1)
        return None
    try:
        file = await document.get_file()
    except BadRequest as error:  # "file is too big": over the Bot API's 20 MB
        if "too big" in str(error).lower():
            await answer_key(update, context, too_big, limit=limit // (1024 * 1024) or 1)
            return None
        raise
    if file.file_size is not None and file.file_size > limit:
        await answer_key(update, context, too_big, limit=limit // (1024 * 1024) or 1)
        return None
    content = bytes(await file.download_as_bytearray())
    if len(content) > limit:
        await answer_key(update, context, too_big, limit=limit // (1024 * 1024) or 1)
        return None
    return content
