"""The two escapes of unionplan.markup: workbook text into Markdown and into plotly text."""

from __future__ import annotations

import re
import string

import pytest

from unionplan.markup import md_text, plot_text

HOSTILE = [
    "![x](http://evil/x.png)",
    "[click](http://evil)",
    "<img src=x onerror=alert(1)>",
    "**bold** __b__ *i* _i_ ~~s~~ `code`",
    ":material/home: :red[x] :smile: :streamlit:",
    "$x$ $$y$$",
    "# heading",
    "1. item",
    "- item",
    "> quote",
    "a | b",
    "&lt;b&gt; &amp;",
    "C:\\path\\to",
    "工会 <活动> “春游” ［3月］",
]


def _render(md: str) -> str:
    """What CommonMark shows for a text of backslash escapes: each escaped mark itself."""
    return re.sub(r"\\([" + re.escape(string.punctuation) + "])", r"\1", md)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_escapes_every_mark_and_reads_the_same(text: str) -> None:
    out = md_text(text)
    assert _render(out) == text
    unescaped = re.sub(r"\\[" + re.escape(string.punctuation) + "]", "", out)
    assert not set(unescaped) & set(string.punctuation)


def test_md_text_breaks_the_patterns_streamlit_looks_for_in_the_source() -> None:
    # Streamlit replaces ":material/" in the raw source before parsing: it must not be there.
    assert ":material/" not in md_text(":material/home:")
    assert "$x$" not in md_text("$x$")
    assert "](" not in md_text("[a](b)")


def test_md_text_puts_a_text_on_one_line() -> None:
    assert md_text("第一行\n\n# 第二行\r\n") == "第一行 \\# 第二行 "
    assert md_text(None) == ""
    assert md_text(1600) == "1600"
    assert md_text("工会活动") == "工会活动"  # nothing to escape, nothing changed


def test_plot_text_escapes_what_plotly_reads_as_html() -> None:
    assert plot_text("<b>x</b> & <a href='y'>") == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='y'&gt;"
    assert plot_text("&lt;") == "&amp;lt;"  # an entity typed stays an entity on screen
    assert plot_text(None) == "" and plot_text("率≥95%") == "率≥95%"
