"""The bot's commands and buttons, with the access each needs.

This table drives the central gate (handlers/access.py), /help and the Telegram command menu, so
a command's permission is written in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.permissions import Access


@dataclass(frozen=True)
class CommandSpec:
    name: str
    access: Access
    # Catalogue key of the one-line description shown in /help and the command menu.
    description_key: str


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", Access.ANYONE, "cmd_start"),
    CommandSpec("help", Access.MEMBER, "cmd_help"),
    CommandSpec("lang", Access.MEMBER, "cmd_lang"),
    CommandSpec("status", Access.MEMBER, "cmd_status"),
    CommandSpec("tasks", Access.FOCAL_POINT, "cmd_tasks"),
    CommandSpec("update", Access.FOCAL_POINT, "cmd_update"),
    CommandSpec("assign", Access.SECRETARIAT, "cmd_assign"),
    CommandSpec("edit", Access.SECRETARIAT, "cmd_edit"),
    CommandSpec("cancel", Access.SECRETARIAT, "cmd_cancel"),
    CommandSpec("report", Access.CHAIR, "cmd_report"),  # of that council: in the service
    CommandSpec("history", Access.MEMBER, "cmd_history"),  # the task's councils: checked per task
    CommandSpec("councils", Access.MEMBER, "cmd_councils"),
    CommandSpec("agencies", Access.MEMBER, "cmd_agencies"),
    CommandSpec("invite", Access.SECRETARIAT, "cmd_invite"),  # of this council: in the service
    CommandSpec("members", Access.SECRETARIAT, "cmd_members"),
    CommandSpec("revoke", Access.SECRETARIAT, "cmd_revoke"),
    CommandSpec("import", Access.SECRETARIAT, "cmd_import"),  # every council of the directive
    CommandSpec("reminders", Access.SECRETARIAT, "cmd_reminders"),  # rows of their councils
    CommandSpec("meetings", Access.MEMBER, "cmd_meetings"),
    CommandSpec("meeting", Access.SECRETARIAT, "cmd_meeting"),  # of that council: service
    CommandSpec("broadcast", Access.SECRETARIAT, "cmd_broadcast"),  # of that council: service
    CommandSpec("broadcasts", Access.SECRETARIAT, "cmd_broadcasts"),
    CommandSpec("doctor", Access.SECRETARIAT, "cmd_doctor"),
    CommandSpec("setgroup", Access.SECRETARIAT, "cmd_setgroup"),  # of that council: in the handler
)

COMMANDS_BY_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in COMMANDS}

# Callback data is "<prefix>:<arguments>"; the prefix names the button family.
CALLBACK_ACCESS: dict[str, Access] = {
    "lang": Access.MEMBER,
    "st": Access.MEMBER,  # /status: council choice and pages
    "tk": Access.FOCAL_POINT,  # a task card's four buttons (the agency is checked per task)
    "tkp": Access.FOCAL_POINT,  # /tasks: more cards
    "in": Access.MEMBER,  # cancel what the bot is waiting for
    "as": Access.SECRETARIAT,  # /assign: council choice and confirmation
    "cx": Access.SECRETARIAT,  # /cancel confirmation
    "cf": Access.SECRETARIAT,  # confirm or reject a reported completion
    "rq": Access.SECRETARIAT,  # decide an extension request, close an obstacle
    "hist": Access.MEMBER,  # /history pages (the task is checked again)
    "rvk": Access.SECRETARIAT,  # /revoke: choose a role, confirm (the council is checked again)
    "imp": Access.SECRETARIAT,  # /import: confirm or cancel (only the sender's own file)
    "ix": Access.SECRETARIAT,  # a letter's proposal: fix, councils, Excel, import (its author only)
    "rem": Access.MEMBER,  # "Remind me later" on a reminder (only its recipient: in the service)
    "rems": Access.SECRETARIAT,  # /reminders pages
    "bc": Access.SECRETARIAT,  # /broadcast: send, cancel, report, remind, resend (council checked)
    "rsvp": Access.MEMBER,  # Tham dự / Cử người dự thay / Vắng (member of its council)
    "mt": Access.SECRETARIAT,  # /meeting new: confirm
    "mx": Access.SECRETARIAT,  # /meeting cancel: confirm
    "mk": Access.SECRETARIAT,  # a meeting's conclusion becomes a task
    "rp": Access.CHAIR,  # /report: council choice (the council is checked again)
    "rpc": Access.MEMBER,  # 📊 on the /status overview: its chart (member of that council)
    "ack": Access.MEMBER,  # "Đã nhận" on a notice (only its recipient: in the service)
}
