"""The stand-in Bot API refuses what Telegram refuses, so the process test's "nothing refused"
means something; and it serves a client over HTTP as Telegram does."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.process.standin import StandInBotApi, html_problem, parse_body, telegram_refusal


@pytest.mark.parametrize(
    "text",
    ["<b>ok</b> &lt;b&gt;", "<a href='https://t.me/x?start=1'>link</a>", "a &amp; b", "plain"],
)
def test_html_telegram_accepts(text: str) -> None:
    assert html_problem(text) is None


@pytest.mark.parametrize(
    "text", ["<script>x</script>", "<b>open", "close</b>", "<b><i>x</b></i>", "&nbsp;"]
)
def test_html_telegram_refuses(text: str) -> None:
    assert html_problem(text) is not None


def test_telegram_refuses_long_or_empty_messages_and_unparsable_html() -> None:
    html = {"parse_mode": "HTML"}
    assert telegram_refusal("sendMessage", {"text": "x" * 4096, **html}) is None
    assert telegram_refusal("sendMessage", {"text": "x" * 4097}) == (
        "Bad Request: message is too long"
    )
    # Telegram counts UTF-16 code units: an emoji outside the BMP is two.
    assert telegram_refusal("sendMessage", {"text": "📊" * 2049}) is not None
    assert telegram_refusal("editMessageText", {"text": " "}) is not None
    assert telegram_refusal("sendMessage", {"text": "<tag>", **html}) is not None
    assert telegram_refusal("sendMessage", {"text": "<tag>"}) is None  # no parse mode: plain
    assert telegram_refusal("sendDocument", {"caption": "x" * 1025}) is not None
    assert telegram_refusal("answerCallbackQuery", {"text": "x" * 201}) is not None
    assert telegram_refusal("getMe", {}) is None


def test_parse_body_reads_forms_json_and_multipart() -> None:
    assert parse_body("application/x-www-form-urlencoded", b"chat_id=5&text=a%26b") == (
        {"chat_id": "5", "text": "a&b"},
        {},
    )
    assert parse_body("application/json", b'{"offset": 3}') == ({"offset": 3}, {})
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n7\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="document"; filename="r.xlsx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\nPK\x03\x04\r\n--XX--\r\n"
    )
    params, files = parse_body("multipart/form-data; boundary=XX", body)
    assert params == {"chat_id": "7"}
    assert files == {"document": ("r.xlsx", b"PK\x03\x04")}


def test_it_serves_updates_and_files_over_http() -> None:
    api = StandInBotApi("1:secret")
    with api.running():
        user = {"id": 5, "is_bot": False, "first_name": "A"}
        api.push(api.message(user, "", document=("f1", "thu van.txt", b"abc")))

        def post(method: str, data: bytes) -> dict[str, object]:
            request = urllib.request.Request(f"{api.base_url}1:secret/{method}", data=data)
            with urllib.request.urlopen(request, timeout=10) as response:
                answer: dict[str, object] = json.loads(response.read())
            return answer

        updates = post("getUpdates", b"offset=0&timeout=0")["result"]
        assert isinstance(updates, list) and updates[0]["update_id"] == 1
        got = post("getFile", b"file_id=f1")["result"]
        assert isinstance(got, dict)
        url = f"{api.base_file_url}1%3Asecret/{got['file_path']}".replace(" ", "%20")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"abc"
        assert post("getUpdates", b"offset=2&timeout=0")["result"] == []
        assert api.fake.unconfirmed == []  # the later offset confirmed it
        assert api.served_update_ids == [1]
