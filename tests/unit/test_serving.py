"""The serving layer without a server: the upload refusal as an ASGI app, and the module's doctests."""

from __future__ import annotations

import asyncio
import doctest
from typing import Any

import pytest

import ui.serving
from ui.serving import NO_UPLOADS, RefuseUploads


def call(path: str, content_type: bytes) -> tuple[int, bytes, bool]:
    """(status, body, whether the wrapped app ran) for one request through ``RefuseUploads``."""
    sent: list[dict[str, Any]] = []
    reached = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"content-type", content_type)]}
    asyncio.run(RefuseUploads(app)(scope, receive, send))
    return sent[0]["status"], sent[1]["body"], bool(reached)


@pytest.mark.parametrize("path", ["/gradio_api/upload", "/gradio_api/process_recording", "/x/upload/"])
@pytest.mark.parametrize("kind", [b"multipart/form-data; boundary=x", b"Multipart/Form-Data;boundary=y"])
def test_uploads_are_refused_before_gradio_sees_them(path: str, kind: bytes) -> None:
    assert call(path, kind) == (403, NO_UPLOADS.encode(), False)


@pytest.mark.parametrize(("path", "kind"), [("/login", b"multipart/form-data; boundary=x"),
                                            ("/gradio_api/queue/join", b"application/json")])
def test_the_login_form_and_json_pass(path: str, kind: bytes) -> None:
    assert call(path, kind) == (200, b"ok", True)


def test_doctests() -> None:
    result = doctest.testmod(ui.serving)
    assert result.failed == 0 and result.attempted > 0
