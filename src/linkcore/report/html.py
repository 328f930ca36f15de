"""The shared HTML shell of linkcore's reports: one template, one stylesheet, small helpers.

Every report (linkage, privacy audit) is one self-contained file: the stylesheet is inlined, the
charts are inline SVG, and nothing is fetched, so the file opens in an offline secure
environment. The template (``base.html``) and stylesheet (``report.css``) ship as package data.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from string import Template
from typing import Any


@lru_cache(maxsize=4)
def asset(name: str) -> str:
    """Return the text of a report asset shipped in the package (``base.html``, ``report.css``)."""
    return resources.files("linkcore.report").joinpath(name).read_text(encoding="utf-8")


def esc(value: Any) -> str:
    """HTML-escape any value's text (quotes included, so it is safe in attributes too)."""
    return html.escape(str(value), quote=True)


def page(title: str, body: str, *, subtitle: str = "", sections: Sequence[tuple[str, str]] = (),
         footer: str = "") -> str:
    """Wrap a report's body in the shared shell: title, table of contents, inlined CSS, footer.

    ``sections`` is a list of (anchor id, heading) for the table of contents. ``body``,
    ``subtitle`` and ``footer`` are trusted HTML made by the caller from escaped parts.
    """
    from .. import __version__

    toc = ""
    if sections:
        toc = "<nav class='toc'>" + "".join(
            f"<a href='#{esc(anchor)}'>{esc(text)}</a>" for anchor, text in sections) + "</nav>"
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Template(asset("base.html")).substitute(
        title=esc(title), subtitle=subtitle, toc=toc, body=body, css=asset("report.css"),
        version=esc(__version__), generated=generated, footer=footer)


def section(anchor: str, heading: str, content: str) -> str:
    """One titled section with an anchor for the table of contents."""
    return f"<section id='{esc(anchor)}'><h2>{esc(heading)}</h2>{content}</section>"


def fmt_num(x: Any, digits: int = 4) -> str:
    """Format a number for a table: thousands separators, rounded floats, n/a for NaN."""
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if not math.isfinite(x):
            return "n/a"
        if x != 0 and abs(x) < 10 ** -digits:
            return f"{x:.{max(digits - 2, 1)}e}"
        return f"{x:,.{digits}f}"
    return esc(x)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, cls: str = "",
          left: int | Sequence[int] = 1) -> str:
    """Render an HTML table; cells are escaped (numbers formatted); text columns align left.

    ``left`` is how many leading columns align left, or the indices of those columns.
    """
    lefts = set(range(left)) if isinstance(left, int) else set(left)
    head = "".join(f"<th{' class=l' if i in lefts else ''}>{esc(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = fmt_num(cell) if isinstance(cell, int | float) or cell is None else esc(cell)
            cells.append(f"<td{' class=l' if i in lefts else ''}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls_attr = f" class='{esc(cls)}'" if cls else ""
    return (f"<table{cls_attr}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def key_values(items: Iterable[tuple[str, Any]]) -> str:
    """Render a two-column table of labels and values."""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{fmt_num(v) if not isinstance(v, str) else esc(v)}"
                   f"</td></tr>" for k, v in items)
    return f"<table class='kv'><tbody>{rows}</tbody></table>"


def cards(items: Iterable[tuple[str, str]]) -> str:
    """Headline figures as a row of cards: (label, already formatted value)."""
    return "<div class='cards'>" + "".join(
        f"<div class='card'><div class='v'>{esc(v)}</div><div class='k'>{esc(k)}</div></div>"
        for k, v in items) + "</div>"


def figure(svg: str, caption: str) -> str:
    """Wrap an SVG chart with its caption (caption text is escaped)."""
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"
