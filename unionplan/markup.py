"""Text from the workbook shown as text, never as markup (issue #9).

Anyone who can edit the shared sheet can type a title; the app must show it as typed,
not follow it. Two places read markup in what they show:

* Streamlit's Markdown (``st.markdown``, ``st.caption``, alerts, headings, widget labels,
  help): links ``[x](y)`` and images ``![x](y)`` (loaded from anywhere), raw HTML,
  ``:material/…:`` icons, ``:red[…]`` directives and ``$…$`` maths. `md_text` escapes every
  ASCII punctuation mark with a backslash: CommonMark renders ``\\x`` as ``x`` for each of
  them, so the text looks exactly as typed and none of it is syntax. Line breaks become
  spaces (a text is interpolated into one line of a message).
* plotly's labels and hover texts, which read a subset of HTML (``<b>``, ``<br>``,
  ``<a href>``, ``<span style>``) and entities: `plot_text` escapes ``&``, ``<`` and ``>``.

Localised messages are Markdown on purpose; only what is interpolated into them is
escaped, by the caller, at the interpolation (``t("…", title=md_text(title))``).
FullCalendar and ``st.dataframe`` show text as text already and need nothing.
"""

from __future__ import annotations

import re
import string
from typing import Any

_MD_SPECIAL = re.compile("[" + re.escape(string.punctuation) + "]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_text(value: Any) -> str:
    """`value` as Markdown that renders as exactly its text: '![x](y)' -> '\\!\\[x\\]\\(y\\)'."""
    text = _LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def plot_text(value: Any) -> str:
    """`value` as a plotly label or hover text that shows exactly its text."""
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
