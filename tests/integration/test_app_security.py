"""The served app against a hostile visitor: no topics before login, no uploads, no file outside the app (item 7).

The app is launched as ``roadmap ui`` launches it (``ui.serving.launch``) on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import gradio
import httpx
import pytest

from kb import Roadmap
from tests.fixtures.app_server import build_kb, serve
from ui.serving import NO_UPLOADS

pytestmark = pytest.mark.integration

USER = ("ana", "s3cret-pw")


@pytest.fixture(scope="module")
def kb_dir(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_kb(corpus_dir, tmp_path_factory.mktemp("security-kb"))


@pytest.fixture(scope="module")
def secret_words(kb_dir: Path) -> list[str]:
    """Topic names and document phrases nobody may read before logging in."""
    roadmap = Roadmap.load(kb_dir)
    names = [t.name for t in roadmap.topics() if len(t.name) >= 3]
    assert len(names) > 50
    return [*names, "注入测试是检查网页", "提示注入是攻击者", "官方结论"]


@pytest.fixture(scope="module")
def auth_url(kb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(kb_dir, tmp_path_factory.mktemp("auth-profiles"), auth=[USER]) as url:
        yield url


@pytest.fixture(scope="module")
def open_url(kb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(kb_dir, tmp_path_factory.mktemp("open-profiles")) as url:
        yield url


# -- with --auth, nothing of the knowledge base before the login ----------------------------------


def test_the_page_before_login_names_no_topic_and_quotes_no_document(auth_url: str, secret_words: list[str]) -> None:
    page = httpx.get(auth_url, timeout=60)
    assert page.status_code == 200 and "auth_required" in page.text
    # A topic name that Gradio's own page template holds (its script tests `isColab`) says nothing.
    template = (Path(gradio.__file__).parent / "templates" / "frontend" / "index.html").read_text(encoding="utf-8")
    leaked = [w for w in secret_words if w in page.text and w not in template]
    assert leaked == []
    for route in ("config", "gradio_api/info", "gradio_api/queue/join"):
        assert httpx.get(auth_url + route, timeout=60).status_code in (401, 403, 405)


def test_after_login_the_pickers_get_their_topics(auth_url: str) -> None:
    from gradio_client import Client

    c = Client(auth_url, auth=USER, verbose=False, httpx_kwargs={"timeout": 120})
    known, *_ = c.predict("default", api_name="/load_page")
    assert isinstance(known, dict) and any(name == "多头注意力" for _, name in known["choices"])
    path = c.predict("default", ["Python"], [], [], "多头注意力", api_name="/study_path")[0]
    assert "学习「多头注意力」的路径" in path


def test_without_auth_the_page_has_no_topic_choices_either(open_url: str) -> None:
    page = httpx.get(open_url, timeout=60).text
    assert "多头注意力（" not in page  # a choice label is "name（stage）"; choices come with the load event


# -- no uploads --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["gradio_api/upload", "gradio_api/upload?upload_id=x", "gradio_api/process_recording"])
@pytest.mark.parametrize("size", [0, 5000])
def test_uploads_are_refused(open_url: str, route: str, size: int) -> None:
    before = _uploaded_files()
    reply = httpx.post(open_url + route, files={"files": ("evil.md", b"x" * size, "text/markdown")}, timeout=60)
    assert reply.status_code == 403 and reply.text == NO_UPLOADS
    assert _uploaded_files() == before


def _uploaded_files() -> set[Path]:
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder())
    return set(root.rglob("*")) if root.exists() else set()


# -- no file outside the app -------------------------------------------------------------------


def _traversals(kb_dir: Path) -> list[str]:
    targets = ["/etc/passwd", str(kb_dir / "current" / "chunks.jsonl"), str(Path.home() / ".bashrc"),
               str(Path.home() / ".local/share/roadmap-qa/profiles/profiles.sqlite3")]
    urls = []
    for target in targets:
        rel = "../" * 12 + target.lstrip("/")
        urls += [f"gradio_api/file={target}", f"file={target}", f"gradio_api/file={rel}",
                 f"gradio_api/file={rel.replace('../', '%2e%2e%2f')}", f"gradio_api/file={rel.replace('/', '%2F')}",
                 f"gradio_api/file=..%2f..%2f..%2f{target.lstrip('/')}", f"static/{rel}", f"assets/{rel}",
                 f"gradio_api/file=/tmp/../{target.lstrip('/')}"]
    return urls


def test_file_routes_serve_nothing_outside_the_app(open_url: str, kb_dir: Path) -> None:
    secrets = re.compile(r"root:x:0:0|\"heading\"|PS1|alias |SQLite format")
    leaks = []
    for url in _traversals(kb_dir):
        reply = httpx.get(open_url + url, timeout=60)
        if reply.status_code == 200 and secrets.search(reply.text):
            leaks.append(url)
    assert leaks == []
