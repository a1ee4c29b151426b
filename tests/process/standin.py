"""A stand-in Bot API server over real HTTP, for the bot run as a process (``councilbot run``).

It answers through the offline kit's fake (``bot/offline/fake_telegram.py``: the same methods,
results and records) and adds what only a process test needs: a listening socket, long polling
(``getUpdates`` waits for queued updates), file downloads, and Telegram's own refusals that a
fake in the same process never meets: a message over 4,096 characters, or HTML that Telegram
cannot parse, is answered 400 as Telegram answers it.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from bot.offline.fake_telegram import FakeTelegram, RecordedCall

# What Telegram marks as a command at the start of a message.
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?")
# Longest wait of one getUpdates: short, so that a stopped bot's last poll ends soon.
LONG_POLL_SECONDS = 1.0
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
# The tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji"}
)


class StandInBotApi:
    """A Bot API on 127.0.0.1 for one token; queue updates with :meth:`push`."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.fake = FakeTelegram()
        self.changed = threading.Condition()
        self.served_update_ids: list[int] = []
        self.wrong_token_paths: list[str] = []
        # Set: once a poll has delivered updates, later polls are left unanswered, so that the
        # delivered updates stay unconfirmed (a bot killed now gets them again at restart).
        self.hold_after_delivery = False
        self.holding = False
        # Chats whose messages are left waiting (then refused 502) until unblocked, and what was
        # tried meanwhile: a bot killed now dies in the middle of an update.
        self.blocked_chats: set[int] = set()
        self.blocked_attempts: list[RecordedCall] = []
        # Seconds every send waits before it is looked at: a slow Telegram, for a bot killed in
        # the middle of a long run of sends (a broadcast).
        self.send_delay = 0.0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/file/bot"

    @contextmanager
    def running(self) -> Iterator[StandInBotApi]:
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()

    # --- what users do ------------------------------------------------------------------------

    def push(self, *payloads: dict[str, Any]) -> int:
        """Queue updates (payloads without their ids) for getUpdates, delivered together;
        returns the last one's id."""
        with self.changed:
            for payload in payloads:
                update_id = next(self._update_ids)
                self.fake.unconfirmed.append({"update_id": update_id, **payload})
            self.changed.notify_all()
        return update_id

    def message(
        self,
        user: dict[str, Any],
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: RecordedCall | None = None,
        document: tuple[str, str, bytes] | None = None,
    ) -> dict[str, Any]:
        """A message update's payload; ``document`` is (file id, name, bytes), served by getFile."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user,
        }
        body = "caption" if document else "text"
        if text:  # Telegram leaves out an empty caption
            message[body] = text
        command = BOT_COMMAND.match(text)
        if command is not None:  # marked as Telegram marks it: invisible characters end it
            message["caption_entities" if document else "entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(command.group())}
            ]
        if document is not None:
            file_id, name, content = document
            self.fake.add_file(file_id, content, name)
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": name,
                "file_size": len(content),
            }
        if reply_to is not None:
            message["reply_to_message"] = reply_to.result
        return {"message": message}

    def press(self, user: dict[str, Any], on: RecordedCall, data: str) -> dict[str, Any]:
        """A callback query's payload: ``user`` presses a button with ``data`` on message ``on``."""
        return {
            "callback_query": {
                "id": str(next(self._message_ids) + 500_000),
                "from": user,
                "chat_instance": "standin",
                "data": data,
                "message": on.result,
            }
        }

    # --- what the bot did ---------------------------------------------------------------------

    def calls(self) -> list[RecordedCall]:
        with self.changed:
            return list(self.fake.calls)

    def wait_for(
        self, found: Callable[[list[RecordedCall]], bool], timeout: float = 60.0
    ) -> list[RecordedCall]:
        """Wait until ``found(calls)`` holds; returns the calls. Fails after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not found(list(self.fake.calls)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the bot did not do what was awaited in time")
                self.changed.wait(left)
            return list(self.fake.calls)

    # --- the HTTP side ------------------------------------------------------------------------

    def release(self) -> None:
        """Answer polls again (see ``hold_after_delivery``)."""
        with self.changed:
            self.hold_after_delivery = self.holding = False
            self.changed.notify_all()

    def answer(
        self, method: str, params: dict[str, Any], files: dict[str, Any]
    ) -> tuple[int, bytes]:
        if method == "getUpdates" and self.holding:
            time.sleep(LONG_POLL_SECONDS)  # a poll lost on the way: nothing confirmed, nothing new
            return 200, b'{"ok": true, "result": []}'
        if method.startswith("send") and self.send_delay:
            time.sleep(self.send_delay)  # before the block check: a send held now is refused
        if method == "getUpdates":
            self._wait_for_updates(params)
        elif method.startswith(("send", "edit")) and self._blocked(method, params, files):
            return 502, _error_body("Bad Gateway", 502)
        with self.changed:
            call = RecordedCall(method=method, params=params, at=_utc_now(), files=files)
            refusal = telegram_refusal(method, params)
            if refusal is not None:
                self.fake.calls.append(call)
                call.error = refusal
                status, body = 400, _error_body(refusal)
            else:
                status, body = self.fake.handle(call)
            if method == "getUpdates" and call.ok:
                self.served_update_ids.extend(update["update_id"] for update in call.result)
                self.holding = self.hold_after_delivery and bool(call.result)
            self.changed.notify_all()
        return status, body

    def _blocked(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> bool:
        with self.changed:
            chat_id = int(params.get("chat_id") or 0)
            if chat_id not in self.blocked_chats:
                return False
            self.blocked_attempts.append(RecordedCall(method, params, _utc_now(), files=files))
            self.changed.notify_all()
            self.changed.wait_for(lambda: chat_id not in self.blocked_chats, timeout=60)
            return True

    def unblock(self) -> None:
        with self.changed:
            self.blocked_chats.clear()
            self.changed.notify_all()

    def _wait_for_updates(self, params: dict[str, Any]) -> None:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self.changed:
            while not any(u["update_id"] >= offset for u in self.fake.unconfirmed):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.changed.wait(left)


def telegram_refusal(method: str, params: dict[str, Any]) -> str | None:
    """Telegram's 400 description for what it would refuse to send, else None."""
    if method in ("sendMessage", "editMessageText"):
        text = str(params.get("text", ""))
        if not text.strip():
            return "Bad Request: message text is empty"
        if len(text.encode("utf-16-le")) // 2 > MESSAGE_LIMIT:
            return "Bad Request: message is too long"
    elif method in ("sendDocument", "sendPhoto"):
        text = str(params.get("caption", ""))
        if len(text.encode("utf-16-le")) // 2 > CAPTION_LIMIT:
            return "Bad Request: message caption is too long"
    elif method == "answerCallbackQuery":
        if len(str(params.get("text", ""))) > CALLBACK_ANSWER_LIMIT:
            return "Bad Request: MESSAGE_TOO_LONG"
        return None
    else:
        return None
    if str(params.get("parse_mode", "")).upper() == "HTML":
        problem = html_problem(text)
        if problem is not None:
            return f"Bad Request: can't parse entities: {problem}"
    return None


def html_problem(text: str) -> str | None:
    """What Telegram's HTML parser would reject in ``text``, or None."""
    checker = _HtmlChecker()
    try:
        checker.feed(text)
        checker.close()
    except ValueError as error:
        return str(error)
    if checker.open_tags:
        return f"can't find end tag corresponding to start tag {checker.open_tags[-1]}"
    return None


class _HtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            raise ValueError(f'unsupported start tag "{tag}"')
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            raise ValueError(f'unexpected end tag "{tag}"')
        self.open_tags.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            raise ValueError(f'unsupported HTML entity "&{name};"')


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: StandInBotApi) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        api = self.server.api
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        prefix = f"/bot{api.token}/"
        if not self.path.startswith(prefix):
            api.wrong_token_paths.append(self.path)
            self._reply(401, _error_body("Unauthorized", 401))
            return
        params, files = parse_body(self.headers.get("Content-Type", ""), body)
        status, answer = api.answer(self.path[len(prefix) :], params, files)
        self._reply(status, answer)

    def do_GET(self) -> None:
        api = self.server.api
        path = unquote(self.path)  # the client quotes the token's colon in file URLs
        if not path.startswith(f"/file/bot{api.token}/"):
            api.wrong_token_paths.append(path)
            self._reply(404, b"not found")
            return
        with api.changed:
            status, content = api.fake.download(path)
        self._reply(status, content, content_type="application/octet-stream")

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # A bot that stops (or is killed) closes its pending long poll: nothing to answer.
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters and uploaded files of a Bot API request (form, multipart or JSON)."""
    if content_type.startswith("application/json"):
        return (json.loads(body) if body else {}), {}
    if content_type.startswith("multipart/form-data"):
        parsed = message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        params: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for part in parsed.get_payload():
            assert isinstance(part, Message)
            name = str(part.get_param("name", header="content-disposition"))
            content = part.get_payload(decode=True)
            assert isinstance(content, bytes)
            if part.get_filename():
                files[name] = (part.get_filename(), content)
            else:
                params[name] = content.decode()
        return params, files
    form = parse_qs(body.decode(), keep_blank_values=True)
    return {key: values[-1] for key, values in form.items()}, {}


def _error_body(description: str, code: int = 400) -> bytes:
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def _utc_now() -> datetime:
    return datetime.now(UTC)
