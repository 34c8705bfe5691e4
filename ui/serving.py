"""How the app is served: queue, memory bounds, no uploads. One place, used by ``roadmap ui`` and the tests.

Gradio keeps a ``SessionState`` for every session hash it sees (a browser tab, a
``gradio_client.Client``), holding a copy of every component's config; by default it keeps
10,000 of them, about 0.1 MB each here, and frees none when idle. ``SESSIONS`` bounds that
(the oldest session is dropped first; the app keeps no ``gr.State``, so a dropped session
only loses its dropdown choices, which the page reloads). The app takes no files, so every
multipart request but the login form is refused before Gradio parses it, and
``max_file_size=0`` stays as a second lock.

Example::

    demo = build_app(assistant, roadmap, profile_store=ProfileStore())
    url, share_url = launch(demo, host="127.0.0.1", port=7860)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

#: Events running at once (path, graph, search); chat events have their own limit of 1.
CONCURRENCY = 4
#: Sessions whose state Gradio keeps in memory (default 10,000): a local app has a few tabs open.
SESSIONS = 256
#: The answer to an upload.
NO_UPLOADS = "This app takes no files: uploads are refused."

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RefuseUploads:
    """ASGI middleware: a multipart request (an upload) gets 403 unless it is the login form."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_upload(scope):
            body = NO_UPLOADS.encode()
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


def is_upload(scope: Scope) -> bool:
    """Whether an HTTP request carries files: multipart, to anything but ``/login``.

    >>> is_upload({"path": "/gradio_api/upload", "headers": [(b"content-type", b"multipart/form-data; b=x")]})
    True
    >>> is_upload({"path": "/login", "headers": [(b"content-type", b"multipart/form-data; b=x")]})
    False
    """
    headers = dict(scope.get("headers") or [])
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"multipart/form-data" and not str(scope.get("path", "")).rstrip("/").endswith("/login")


def launch(demo: Any, *, host: str, port: int | None, auth: Sequence[tuple[str, str]] | None = None,
           share: bool = False, quiet: bool = True) -> tuple[str, str | None]:
    """Queue and launch ``demo`` (a ``gr.Blocks``) without blocking; (local URL, share URL or None)."""
    from starlette.middleware import Middleware

    demo.queue(default_concurrency_limit=CONCURRENCY)
    _, url, share_url = demo.launch(
        server_name=host, server_port=port, auth=list(auth) if auth else None, share=share,
        prevent_thread_lock=True, quiet=quiet, state_session_capacity=SESSIONS, max_file_size=0,
        app_kwargs={"middleware": [Middleware(RefuseUploads)]})
    return str(url), share_url
