"""An article's byline (a short bold name under the title, then its reactions, date or reading time) names no subject,
shown on a post of our own (tests/fixtures/formats) and the 知乎专栏 article of tests/fixtures/fresh4; a bold term in
the article's text still does."""

from __future__ import annotations

import pytest

from tests.fixtures.analysed import analysed, names

CASES = {"formats/byline-post-en.md": ("Jordan Avery", "chat templates"),
         "fresh4/zhihu-column-zh/专栏文章.md": ("青柠不加糖", "按什么顺序学")}


@pytest.mark.parametrize("path", sorted(CASES))
def test_the_byline_names_no_subject(path: str) -> None:
    author, _ = CASES[path]
    assert author not in names(analysed(path))


def test_a_bold_term_in_the_text_is_still_a_subject() -> None:
    _, term = CASES["formats/byline-post-en.md"]
    assert term in names(analysed("formats/byline-post-en.md"))
