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
)

COMMANDS_BY_NAME: dict[str, CommandSpec] = {spec.name: spec for spec in COMMANDS}

# Callback data is "<prefix>:<arguments>"; the prefix names the button family.
CALLBACK_ACCESS: dict[str, Access] = {
    "lang": Access.MEMBER,
}
