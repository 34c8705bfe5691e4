"""``roadmap ui``: start the Gradio app (chat, study path, graph) on one knowledge base.

Binds 127.0.0.1 by default; any other address needs ``--auth``. No public share link
unless ``--share`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KnowledgeBaseError, RoadmapError
from ui.settings import AppSettings

if TYPE_CHECKING:
    import gradio as gr  # imported lazily at run time: it takes seconds

#: Events running at once (path, graph, search); chat events have their own limit of 1.
CONCURRENCY = 4


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``ui`` command."""
    p = sub.add_parser("ui", parents=[common], help="start the web app (chat, study path, graph)")
    p.add_argument("--llm", default=None, help="auto (default), none, llama, transformers or openai")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; others need --auth)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--auth", default=None, help="user:password, or a file with one user:password per line")
    p.add_argument("--share", action="store_true", help="also open a public Gradio share link")
    p.add_argument("--profile", default=None, help="learner profile name (default: default)")
    p.set_defaults(handler=ui_command)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, True, False, True)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(value: str) -> list[tuple[str, str]]:
    """Credentials from ``user:password`` or a file of such lines (blank lines and ``#`` comments skipped).

    >>> parse_auth("ana:s3cret:x")
    [('ana', 's3cret:x')]
    """
    path = Path(value).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [value]
    pairs = []
    for line in (ln.strip() for ln in lines):
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            source = f"the file {path}" if path.is_file() else "--auth"
            raise RoadmapError(f"Bad credentials in {source}: expected 'user:password', got {line[:40]!r}.")
        pairs.append((user, password))
    if not pairs:
        raise RoadmapError(f"No credentials in {path}: add lines of 'user:password'.")
    return pairs


def check_exposure(host: str, auth: str) -> list[tuple[str, str]] | None:
    """The credentials to require; ``RoadmapError`` when binding off loopback without them."""
    if auth:
        return parse_auth(auth)
    if not is_loopback(host):
        raise RoadmapError(f"Refusing to serve on {host} without a password: anyone on the network could use it. "
                           "Pass --auth user:password (or a file of such lines), or bind --host 127.0.0.1.")
    return None


def ui_command(args: argparse.Namespace, settings: AppSettings) -> int:
    """Load the assistant once, build the app and serve it until interrupted."""
    started = time.monotonic()
    auth = check_exposure(settings.host, settings.auth)
    demo = load_app(settings)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    _, url, share_url = demo.launch(server_name=settings.host, server_port=settings.port, auth=auth,
                                    share=bool(args.share), prevent_thread_lock=True, quiet=True)
    print(f"Roadmap QA is running at {url} (ready in {time.monotonic() - started:.1f} s; Ctrl+C to stop)", flush=True)
    if share_url:
        print(f"Public share link: {share_url}", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
    return 0


def load_app(settings: AppSettings) -> gr.Blocks:
    """The app over the configured knowledge base, LLM and profile."""
    from ui.commands.ask import load_assistant
    from ui.profiles import ProfileStore, check_name

    check_name(settings.profile)
    # Gradio takes seconds to import; do it while the knowledge base, index and model load.
    importer = threading.Thread(target=importlib.import_module, args=("ui.app",), daemon=True)
    importer.start()
    try:
        assistant = load_assistant(settings)
    except KnowledgeBaseError as exc:
        if "ingest" in str(exc):
            raise
        raise RoadmapError(f"{exc} Run `roadmap ingest` to build the knowledge base (or pass --kb DIR).") from None
    print(f"Loaded the knowledge base at {settings.kb}", file=sys.stderr)
    importer.join()
    from ui.app import build_app

    return build_app(assistant, assistant.roadmap, profile_store=ProfileStore(), profile=settings.profile)
