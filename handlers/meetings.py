"""/meeting (secretariat), /meetings (any member), RSVP buttons."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.catalogue import Html, t
from bot.context import BotContext
from bot.formatting import callback_data
from bot.outbound.broadcast_jobs import launch
from bot.outbound.meeting_text import meeting_text, meeting_when
from db.broadcasts import queue_meeting_notice
from db.errors import AppError, InvalidInput, NotFound
from db.ids import button_id, button_number, parse_id
from db.meeting_views import AgendaLine, draft_meeting, meeting_card, upcoming_cards
from db.meetings import (
    LINK_LIMIT,
    PLACE_LIMIT,
    Rsvp,
    answer_rsvp,
    attendees,
    cancel_meeting,
    check_agenda,
    clean_meeting_title,
    conclude_meeting,
    conclusion_to_propose,
    create_meeting,
    get_meeting,
    manageable_meeting,
    parse_agenda,
    reschedule_meeting,
)
from db.pending import pending_key, read_pending_key, set_pending, take_pending
from db.registry import get_council
from db.roles import council_for_secretariat
from db.tasks import DueReading
from db.text_input import check_length, normalize_text
from handlers.assign import parse_assignment, propose_task, secretariat_councils
from handlers.deadlines import as_reading, parse_window
from handlers.replying import answer, edit_or_answer
from handlers.task_views import category_name, echo_due
from schedules.reminders import replan_meeting

if TYPE_CHECKING:
    pass

RSVP_CODES = {"a": Rsvp.ATTEND, "d": Rsvp.DELEGATE, "x": Rsvp.ABSENT}
PENDING_CONFIRM = "meeting:confirm"
PENDING_DELEGATE = "rsvp:delegate"


# Sub-commands in English and in Vietnamese (without or with diacritics), as /broadcast has.
MEETING_ACTIONS = {
    "doi-lich": "reschedule",
    "đổi-lịch": "reschedule",
    "huy": "cancel",
    "hủy": "cancel",
    "ket-luan": "conclude",
    "kết-luận": "conclude",
}


async def meeting(update: Update, context: BotContext) -> None:
    """/meeting new … | /meeting <id> [reschedule <when> | cancel | conclude <…>]."""
    raw = update.effective_message.text if update.effective_message else ""
    words = (raw or "").split(maxsplit=3)
    if len(words) >= 2 and words[1].lower() in ("new", "moi", "mới"):
        await _propose(update, context, (raw or "").split(maxsplit=2)[2] if len(words) > 2 else "")
        return
    meeting_id = parse_id(words[1]) if len(words) >= 2 else None
    if meeting_id is None:
        await answer(update, context, t(context.lang, "meeting_usage"))
        return
    action = words[2].lower() if len(words) > 2 else ""
    action = MEETING_ACTIONS.get(action, action)
    rest = words[3] if len(words) > 3 else ""
    if action == "":
        await _show(update, context, meeting_id)
    elif action == "reschedule" and rest:
        await _reschedule(update, context, meeting_id, rest)
    elif action == "cancel":
        await _ask_cancel(update, context, meeting_id)
    elif action == "conclude" and rest:
        await _conclude(update, context, meeting_id, rest)
    else:
        await answer(update, context, t(context.lang, "meeting_usage"))


async def list_meetings(update: Update, context: BotContext) -> None:
    """/meetings: the upcoming meetings of the member's councils, dated or still a period."""
    runtime, lang = context.runtime, context.lang
    actor = context.actor
    with runtime.session() as session:
        cards = upcoming_cards(session=session, actor=actor, now=runtime.clock.now())
    tz = runtime.settings.app.timezone
    texts = [
        meeting_text(
            card.meeting, card.council, lang=lang, tz=tz, agenda=_agenda(card.agenda, lang)
        )
        for card in cards
    ]
    if not texts:
        await answer(update, context, t(lang, "meetings_none"))
        return
    await answer(update, context, "\n\n".join([t(lang, "meetings_header"), *texts]))


async def press_rsvp(update: Update, context: BotContext) -> None:
    """ "rsvp:<meeting>:a|d|x" on an invitation."""
    query = update.callback_query
    assert query is not None
    try:
        _, key, code = (query.data or "").split(":")
        meeting_id, response = button_id(key), RSVP_CODES[code]
    except (KeyError, ValueError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    runtime, lang, actor = context.runtime, context.lang, context.actor
    if response == Rsvp.DELEGATE:
        chat = update.effective_chat
        assert chat is not None and actor.member_id is not None
        with runtime.session() as session:
            get_meeting(session=session, actor=actor, meeting_id=meeting_id)
            set_pending(
                session=session,
                member_id=actor.member_id,
                chat_id=chat.id,
                action=PENDING_DELEGATE,
                data={"meeting_id": meeting_id},
                now=runtime.clock.now(),
            )
        await query.answer()
        await answer(update, context, t(lang, "rsvp_ask_delegate", id=meeting_id))
        return
    with runtime.session() as session:
        answer_rsvp(
            session=session,
            actor=actor,
            meeting_id=meeting_id,
            response=response,
            now=runtime.clock.now(),
        )
    await query.answer(t(lang, f"rsvp_saved_{response}", name=""), show_alert=False)


async def record_delegate(update: Update, context: BotContext, meeting_id: int, name: str) -> None:
    """The answer to "who attends in your place?" (called for the pending input)."""
    if not name.strip():
        raise InvalidInput("rsvp_delegate_missing")
    runtime = context.runtime
    with runtime.session() as session:
        answer_rsvp(
            session=session,
            actor=context.actor,
            meeting_id=meeting_id,
            response=Rsvp.DELEGATE,
            delegate=name,
            now=runtime.clock.now(),
        )
    await answer(update, context, t(context.lang, "rsvp_saved_delegate", name=name.strip()))


async def press_meeting_button(update: Update, context: BotContext) -> None:
    """ "mt:<pending>:y|n" confirm a new meeting; "mx:<meeting>:y|n" confirm a cancellation;
    "mk:<meeting>:<n>" make conclusion n a task."""
    query = update.callback_query
    assert query is not None
    try:
        prefix, key, choice = (query.data or "").split(":")
        # A new meeting's buttons name the pending input (db.pending.pending_key), the others
        # the meeting.
        target, token = read_pending_key(key) if prefix == "mt" else (button_id(key), "")
        conclusion = button_number(choice, limit=999) if prefix == "mk" else 0
    except (ValueError, AppError):
        await query.answer(t(context.lang, "stale_button"), show_alert=True)
        return
    # The query is answered after the action: a refusal (e.g. already handled) is its pop-up.
    if prefix == "mt":
        await _confirm_new(update, context, target, token, choice == "y")
    elif prefix == "mx":
        await _confirm_cancel(update, context, target, choice == "y")
    elif prefix == "mk":
        await _conclusion_to_task(update, context, target, conclusion)
    else:
        await answer(update, context, t(context.lang, "stale_button"))
    await query.answer()


# --- create ---------------------------------------------------------------------------------


async def _propose(update: Update, context: BotContext, text: str) -> None:
    runtime, lang = context.runtime, context.lang
    parts = [part.strip() for part in text.split("|")]
    head = parts[0].split()
    if len(parts) < 3 or len(head) > 1:
        await answer(update, context, t(lang, "meeting_usage"))
        return
    with runtime.session() as session:
        councils = secretariat_councils(session, context)
        if head:  # another council's code is "not allowed", as for /invite (not "unknown")
            council = council_for_secretariat(session=session, actor=context.actor, code=head[0])
        elif len(councils) == 1:
            council = councils[0]
        else:
            raise InvalidInput("meeting_choose_council")
    # Everything that can be refused is checked before the preview, not on its button.
    title = clean_meeting_title(parts[1])
    where = normalize_text(parts[3], multiline=False) if len(parts) > 3 else ""
    check_length(where, LINK_LIMIT if where.startswith("http") else PLACE_LIMIT)
    window = parse_window(context, parts[2])
    reading = as_reading(window)
    data: dict[str, Any] = {
        "council_id": council.id,
        "title": title,
        "when_text": reading.text,
        "start": reading.start.isoformat(),
        "end": reading.end.isoformat(),
        "precision": reading.precision,
        "place": "" if where.startswith("http") else where,
        "link": where if where.startswith("http") else "",
        "agenda": parse_agenda(parts[4]) if len(parts) > 4 else [],
    }
    with runtime.session() as session:
        check_agenda(session=session, council_id=council.id or 0, agenda=data["agenda"])
    chat = update.effective_chat
    assert chat is not None and context.actor.member_id is not None
    with runtime.session() as session:
        pending = set_pending(
            session=session,
            member_id=context.actor.member_id,
            chat_id=chat.id,
            action=PENDING_CONFIRM,
            data=data,
            now=runtime.clock.now(),
        )
    draft = draft_meeting(
        council_id=council.id or 0,
        title=data["title"],
        place=data["place"],
        link=data["link"],
        now=runtime.clock.now(),
    )
    details = meeting_text(
        draft,
        council,
        lang=lang,
        tz=runtime.settings.app.timezone,
        agenda=[text for text, _ in data["agenda"]],
        when=echo_due(window, lang),
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_confirm"),
                    callback_data=callback_data("mt", pending_key(pending), "y"),
                ),
                InlineKeyboardButton(
                    t(lang, "button_cancel"),
                    callback_data=callback_data("mt", pending_key(pending), "n"),
                ),
            ]
        ]
    )
    await answer(
        update,
        context,
        t(lang, "meeting_preview", council=council.code, details=Html(details)),
        keyboard=keyboard,
    )


async def _confirm_new(
    update: Update, context: BotContext, pending_id: int, token: str, yes: bool
) -> None:
    runtime, lang, actor = context.runtime, context.lang, context.actor
    assert actor.member_id is not None
    now = runtime.clock.now()
    with runtime.session() as session:
        pending = take_pending(  # confirm-once: the first press consumes it (db.once)
            session=session,
            pending_id=pending_id,
            member_id=actor.member_id,
            now=now,
            action=PENDING_CONFIRM,
            token=token,
        )
        data = dict(pending.data)
        if not yes:
            created = None
        else:
            council = get_council(session=session, council_id=data["council_id"])
            if council is None:
                raise NotFound()
            created = create_meeting(
                session=session,
                actor=actor,
                council=council,
                title=data["title"],
                when=DueReading(
                    text=data["when_text"],
                    start=datetime.fromisoformat(data["start"]),
                    end=datetime.fromisoformat(data["end"]),
                    precision=data["precision"],
                ),
                place=data["place"],
                online_link=data["link"],
                agenda=[(text, task_id) for text, task_id in data["agenda"]],
                now=now,
            )
            assert created.id is not None
            # The notice first: the planner then knows the meeting is announced by it.
            broadcast_id = queue_meeting_notice(
                session=session, actor=actor, meeting=created, notice="created", now=now
            )
            replan_meeting(
                session=session, meeting_id=created.id, now=now, config=runtime.reminders
            )
    if created is None:
        await edit_or_answer(update, context, t(lang, "input_cancelled"))
        return
    runtime.wake()
    await edit_or_answer(
        update, context, t(lang, "meeting_created", id=created.id, broadcast=broadcast_id)
    )
    launch(context.application, broadcast_id)


# --- show, reschedule, cancel, conclude -----------------------------------------------------


async def _show(update: Update, context: BotContext, meeting_id: int) -> None:
    runtime, lang = context.runtime, context.lang
    with runtime.session() as session:
        card = meeting_card(
            session=session, actor=context.actor, meeting_id=meeting_id, now=runtime.clock.now()
        )
        found, council, agenda = card.meeting, card.council, _agenda(card.agenda, lang)
        people = attendees(session=session, actor=context.actor, meeting_id=meeting_id)
    tz = runtime.settings.app.timezone
    lines = [meeting_text(found, council, lang=lang, tz=tz, agenda=agenda)]
    if found.state != "planned":
        lines[0] += t(lang, f"meeting_state_{found.state}")
    if found.conclusions:
        items = "\n".join(
            t(lang, "conclusion_line", n=n, text=line)
            for n, line in enumerate(found.conclusions.split("\n"), 1)
        )
        lines += ["", t(lang, "meeting_conclusions", items=Html(items))]
    lines += ["", t(lang, "attendance_header")]
    for response in Rsvp:
        names = [
            f"{name} → {delegate}" if delegate else name
            for name, delegate in people.responses[response]
        ]
        lines.append(
            t(lang, f"attendance_{response}", count=len(names), names=", ".join(names) or "—")
        )
    lines.append(
        t(
            lang,
            "attendance_silent",
            count=len(people.silent),
            names=", ".join(people.silent) or "—",
        )
    )
    await answer(update, context, "\n".join(lines))


async def _reschedule(update: Update, context: BotContext, meeting_id: int, when_text: str) -> None:
    runtime = context.runtime
    reading = as_reading(parse_window(context, when_text))
    now = runtime.clock.now()
    with runtime.session() as session:
        moved = reschedule_meeting(
            session=session, actor=context.actor, meeting_id=meeting_id, when=reading, now=now
        )
        replan_meeting(session=session, meeting_id=meeting_id, now=now, config=runtime.reminders)
        broadcast_id = queue_meeting_notice(
            session=session, actor=context.actor, meeting=moved, notice="rescheduled", now=now
        )
    runtime.wake()
    when = meeting_when(moved, context.lang, runtime.settings.app.timezone)
    await answer(
        update, context, t(context.lang, "meeting_rescheduled", id=meeting_id, when=Html(when))
    )
    launch(context.application, broadcast_id)


async def _ask_cancel(update: Update, context: BotContext, meeting_id: int) -> None:
    lang = context.lang
    with context.runtime.session() as session:
        found = manageable_meeting(session=session, actor=context.actor, meeting_id=meeting_id)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_confirm"), callback_data=callback_data("mx", meeting_id, "y")
                ),
                InlineKeyboardButton(
                    t(lang, "button_keep_task"), callback_data=callback_data("mx", meeting_id, "n")
                ),
            ]
        ]
    )
    await answer(
        update,
        context,
        t(lang, "meeting_cancel_confirm", id=meeting_id, title=found.title),
        keyboard=keyboard,
    )


async def _confirm_cancel(update: Update, context: BotContext, meeting_id: int, yes: bool) -> None:
    runtime, lang = context.runtime, context.lang
    if not yes:
        await edit_or_answer(update, context, t(lang, "input_cancelled"))
        return
    now = runtime.clock.now()
    with runtime.session() as session:
        cancelled = cancel_meeting(
            session=session, actor=context.actor, meeting_id=meeting_id, now=now
        )
        replan_meeting(session=session, meeting_id=meeting_id, now=now, config=runtime.reminders)
        broadcast_id = queue_meeting_notice(
            session=session, actor=context.actor, meeting=cancelled, notice="cancelled", now=now
        )
    runtime.wake()
    await edit_or_answer(update, context, t(lang, "meeting_cancelled", id=meeting_id))
    launch(context.application, broadcast_id)


async def _conclude(update: Update, context: BotContext, meeting_id: int, text: str) -> None:
    runtime, lang = context.runtime, context.lang
    lines = [line.strip() for line in text.replace(";", "\n").split("\n") if line.strip()]
    with runtime.session() as session:
        concluded = conclude_meeting(
            session=session,
            actor=context.actor,
            meeting_id=meeting_id,
            conclusions=lines,
            now=runtime.clock.now(),
        )
        replan_meeting(
            session=session,
            meeting_id=meeting_id,
            now=runtime.clock.now(),
            config=runtime.reminders,
        )
    stored = (concluded.conclusions or "").split("\n")
    body = [t(lang, "meeting_concluded", id=meeting_id)]
    body += [t(lang, "conclusion_line", n=n, text=line) for n, line in enumerate(stored, 1)]
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button_make_task", n=n),
                    callback_data=callback_data("mk", meeting_id, n - 1),
                )
            ]
            for n in range(1, len(stored) + 1)
        ]
    )
    await answer(update, context, "\n".join(body), keyboard=keyboard)


async def _conclusion_to_task(
    update: Update, context: BotContext, meeting_id: int, index: int
) -> None:
    """One press: the conclusion becomes a proposed task (its preview asks for confirmation)."""
    with context.runtime.session() as session:
        found, line = conclusion_to_propose(
            session=session, actor=context.actor, meeting_id=meeting_id, index=index
        )
        data = parse_assignment(context, session, line) or {"title": line}
    data["council_id"] = found.council_id
    await propose_task(update, context, data)


# --- helpers --------------------------------------------------------------------------------


def _agenda(lines: list[AgendaLine], lang: str) -> list[str]:
    """Agenda lines, with the status of the tasks they link."""
    return [
        line.text
        if line.category is None
        else f"{line.text} (#{line.task_id}: {category_name(line.category, lang)})"
        for line in lines
    ]


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [
        CommandHandler("meeting", meeting),
        CommandHandler("meetings", list_meetings),
        CallbackQueryHandler(press_rsvp, pattern=r"^rsvp:"),
        CallbackQueryHandler(press_meeting_button, pattern=r"^(mt|mx|mk):"),
    ]
