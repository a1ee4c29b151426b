"""A stand-in for Telegram's Bot API at the HTTP boundary, for tests and the offline demo.

The real :class:`telegram.Bot` and :class:`telegram.ext.Application` run unchanged on top of it:
only the HTTP request is replaced. It answers the methods the bot uses with well-formed results,
records every call, and can be told to fail calls the way Telegram does.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from schedules.clock import Clock

BOT_ID = 7000000001
BOT_USERNAME = "councilbot_test_bot"


class Fault(StrEnum):
    RETRY_AFTER = "retry_after"  # 429 Too Many Requests, with parameters.retry_after
    SERVER_ERROR = "server_error"  # 502 Bad Gateway
    CHAT_NOT_FOUND = "chat_not_found"  # 400 Bad Request: chat not found
    BLOCKED = "blocked"  # 403 Forbidden: bot was blocked by the user
    TIMEOUT = "timeout"  # the request timed out (telegram.error.TimedOut)


@dataclass
class RecordedCall:
    method: str
    params: dict[str, Any]
    at: datetime
    result: Any = None  # what the fake answered on success
    error: str | None = None  # the fault it answered with instead
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # part -> (name, bytes)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def chat_id(self) -> int | None:
        chat_id = self.params.get("chat_id")
        return int(chat_id) if chat_id is not None else None

    @property
    def message_id(self) -> int | None:
        if isinstance(self.result, dict):
            return self.result.get("message_id")
        return None

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            (button["text"], button.get("callback_data") or button.get("url", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclass
class _PlannedFault:
    fault: Fault
    method: str | None
    chat_id: int | None
    retry_after: int


@dataclass
class _StoredFile:
    file_id: str
    content: bytes
    file_name: str


@dataclass
class FakeTelegram(BaseRequest):
    """The fake Bot API. Pass it as ``request=`` to :func:`bot.application.build_application`."""

    clock: Clock | None = None
    bot_id: int = BOT_ID
    bot_username: str = BOT_USERNAME
    can_read_all_group_messages: bool = False
    calls: list[RecordedCall] = field(default_factory=list)
    # Chats that always fail: users who blocked the bot, chats that do not exist.
    blocked_chats: set[int] = field(default_factory=set)
    missing_chats: set[int] = field(default_factory=set)
    # Chats where the bot may not post (getChatMember answers "left" / restricted).
    chats_without_bot: set[int] = field(default_factory=set)
    token_valid: bool = True
    webhook_url: str = ""
    # Updates waiting on Telegram's side for getUpdates: kept until a later offset confirms them.
    unconfirmed: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._faults: deque[_PlannedFault] = deque()
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1000)
        )
        self._files: dict[str, _StoredFile] = {}

    # --- BaseRequest --------------------------------------------------------------------------

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return self.download(url)
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        call = RecordedCall(method=api_method, params=params, at=self._now())
        if request_data is not None and request_data.contains_files:
            for part, upload in request_data.multipart_data.items():
                name, content = upload[0], upload[1]
                data = content if isinstance(content, bytes) else content.read()
                call.files[part] = (str(name or part), data)
        return self.handle(call)

    def handle(self, call: RecordedCall) -> tuple[int, bytes]:
        """Record ``call`` and answer it as Telegram would: (HTTP status, JSON body). The
        stand-in HTTP server of the process tests (tests/process/standin.py) answers through it."""
        api_method = call.method
        self.calls.append(call)
        if not self.token_valid:
            call.error = "unauthorized"
            return _error(401, "Unauthorized")
        fault = self._take_fault(api_method, call.chat_id)
        if fault is not None:
            call.error = fault.fault.value
            if fault.fault == Fault.TIMEOUT:
                raise TimedOut()
            return _fault_response(fault)
        if call.chat_id is not None and api_method.startswith(("send", "edit", "copy")):
            if call.chat_id in self.blocked_chats:
                call.error = Fault.BLOCKED.value
                return _fault_response(_PlannedFault(Fault.BLOCKED, None, None, 0))
            if call.chat_id in self.missing_chats:
                call.error = Fault.CHAT_NOT_FOUND.value
                return _fault_response(_PlannedFault(Fault.CHAT_NOT_FOUND, None, None, 0))
        handler = getattr(self, f"_api_{api_method}", None)
        if handler is None:
            call.error = "unknown method"
            return _error(400, f"Bad Request: the fake does not implement {api_method}")
        call.result = handler(call.params)
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    # --- controls for tests -------------------------------------------------------------------

    def fail_next(
        self,
        fault: Fault,
        *,
        count: int = 1,
        method: str | None = None,
        chat_id: int | None = None,
        retry_after: int = 3,
    ) -> None:
        """Make the next ``count`` matching calls fail with ``fault``."""
        for _ in range(count):
            self._faults.append(_PlannedFault(fault, method, chat_id, retry_after))

    def add_file(self, file_id: str, content: bytes, file_name: str) -> None:
        """A file users can send (as a document) and the bot can download."""
        self._files[file_id] = _StoredFile(file_id, content, file_name)

    def sent(self, chat_id: int | None = None, since: int = 0) -> list[RecordedCall]:
        """Successful message sends (and documents), optionally to one chat, from call ``since``."""
        return [
            call
            for call in self.calls[since:]
            if call.ok
            and call.method in ("sendMessage", "sendDocument")
            and (chat_id is None or call.chat_id == chat_id)
        ]

    def clear(self) -> None:
        self.calls.clear()

    # --- fake API methods ---------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Council Bot",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": False,
        }

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(self._now().timestamp()),
            "chat": _chat(chat_id),
            "from": self._bot_user(),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = _as_json(params["reply_markup"])
        return message

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=params["text"])

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        uploaded = self.calls[-1].files if self.calls else {}
        file_name = next(iter(uploaded.values()))[0] if uploaded else "file"
        file_id = f"doc-{len(self.calls)}"
        return self._message(
            params,
            caption=params.get("caption", ""),
            document={"file_id": file_id, "file_unique_id": file_id, "file_name": file_name},
        )

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"photo-{len(self.calls)}"
        size = {"file_id": file_id, "file_unique_id": file_id, "width": 1, "height": 1}
        return self._message(params, caption=params.get("caption", ""), photo=[size])

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": int(params["message_id"]),
            "date": int(self._now().timestamp()),
            "chat": _chat(int(params["chat_id"])),
            "from": self._bot_user(),
            "text": params["text"],
        }

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": int(params["message_id"]),
            "date": int(self._now().timestamp()),
            "chat": _chat(int(params["chat_id"])),
            "from": self._bot_user(),
            "text": "",
        }

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params["file_id"]))
        if stored is None:
            return {"file_id": params["file_id"], "file_unique_id": params["file_id"]}
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id,
            "file_size": len(stored.content),
            "file_path": f"documents/{stored.file_id}/{stored.file_name}",
        }

    def download(self, url: str) -> tuple[int, bytes]:
        """A file's bytes at its download URL (``base_file_url``/documents/<file id>/<name>)."""
        file_id = url.split("/documents/", 1)[-1].split("/", 1)[0]
        stored = self._files.get(file_id)
        return (200, stored.content) if stored else (404, b"not found")

    def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        return _chat(int(params["chat_id"]))

    def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        status = "left" if chat_id in self.chats_without_bot else "administrator"
        member: dict[str, Any] = {"status": status, "user": self._bot_user()}
        if status == "administrator":
            member |= {
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": False,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return member

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params.get("url", ""))
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    def _api_getUpdates(self, params: dict[str, Any]) -> list[Any]:
        offset = int(params.get("offset") or 0)
        # Telegram forgets an update once a getUpdates asks for a later offset.
        self.unconfirmed = [u for u in self.unconfirmed if u["update_id"] >= offset]
        return list(self.unconfirmed[: int(params.get("limit") or 100)])

    def _api_getMyCommands(self, params: dict[str, Any]) -> list[Any]:
        return []

    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    _api_setMyCommands = _ok
    _api_deleteMyCommands = _ok
    _api_answerCallbackQuery = _ok
    _api_deleteMessage = _ok
    _api_sendChatAction = _ok
    _api_close = _ok
    _api_logOut = _ok

    # --- internals ----------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.now() if self.clock else datetime.now(UTC)

    def _take_fault(self, method: str, chat_id: int | None) -> _PlannedFault | None:
        for planned in self._faults:
            if (planned.method is None or planned.method == method) and (
                planned.chat_id is None or planned.chat_id == chat_id
            ):
                # getMe and friends are not what a test means to break unless it names them.
                if planned.method is None and not method.startswith(("send", "edit")):
                    continue
                self._faults.remove(planned)
                return planned
        return None


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": f"group{chat_id}"}


def _as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _error(status: int, description: str, **parameters: Any) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return status, json.dumps(body).encode()


def _fault_response(planned: _PlannedFault) -> tuple[int, bytes]:
    if planned.fault == Fault.RETRY_AFTER:
        return _error(
            429,
            f"Too Many Requests: retry after {planned.retry_after}",
            retry_after=planned.retry_after,
        )
    if planned.fault == Fault.SERVER_ERROR:
        return _error(502, "Bad Gateway")
    if planned.fault == Fault.CHAT_NOT_FOUND:
        return _error(400, "Bad Request: chat not found")
    return _error(403, "Forbidden: bot was blocked by the user")
