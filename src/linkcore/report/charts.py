"""Inline SVG charts for the reports, drawn in Python: no JavaScript library, no network.

Each function returns one ``<svg>`` element. Every data mark carries a ``<title>`` (the browser
shows it as a tooltip) and the class ``mark``, and each chart has ``data-chart`` naming its kind,
so that a test can check in a real browser that the charts hold data. Inputs are aggregates,
levels and weights only: a chart never receives a record's value.

Text is never measured here (there is no browser), so margins are sized from ``text_width``, a
generous estimate; tests/test_report.py renders the reports in headless Chromium and checks that
every label lies inside its chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .html import esc

FONT = 11
COLOURS = ("#0969da", "#bf8700", "#1a7f37", "#8250df", "#cf222e", "#57606a")
POS, NEG, M_COLOUR, U_COLOUR = "#0969da", "#cf222e", "#0969da", "#bf8700"


# Advance widths in em of DejaVu Sans (the widest common fallback of system-ui), rounded up:
# narrow punctuation and letters, wide letters and operators, capitals; everything else 0.64.
_NARROW = frozenset(" .,:;'|!ilIjft()[]-/")
_WIDE = frozenset("mwMW=+<>@%~—")
_UPPER = 0.74


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimate, generously, ``text``'s rendered width in pixels at font size ``size``."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.36
        elif ch in _WIDE:
            em += 0.98
        elif ch.isupper():
            em += _UPPER
        else:
            em += 0.64
    return em * size * (1.1 if bold else 1.0) + 2.0


def _svg(kind: str, width: float, height: float, content: str, label: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' data-chart='{esc(kind)}' "
            f"viewBox='0 0 {width:.0f} {height:.0f}' width='{width:.0f}' height='{height:.0f}' "
            f"role='img' aria-label='{esc(label)}'>{content}</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = FONT,
          extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}'"
            f"{extra}>{esc(text)}</text>")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [lo, hi] (steps of 1, 2 or 5 times 10^k)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    # (a relative tolerance: 0.05 / 5 is 0.010000000000000009 in floating point, still step 0.01)
    step = next(s * mag for s in (1, 2, 5, 10) if s * mag >= raw * (1 - 1e-9))
    start = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = start
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _tick_label(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:g}"


def histogram(edges: Sequence[float], counts: Sequence[int], *, x_label: str,
              log_y: bool = True, marker: float | None = None, marker_label: str = "",
              width: int = 720, height: int = 260) -> str:
    """Bars of ``counts`` between ``edges`` (a log10 count axis by default: counts span decades)."""
    left, right, top, bottom = 58, 16, 14, 44
    pw, ph = width - left - right, height - top - bottom
    lo, hi = float(edges[0]), float(edges[-1])
    span = hi - lo or 1.0

    def xs(v: float) -> float:
        return left + (v - lo) / span * pw

    peak = max([int(c) for c in counts] + [1])
    top_value = math.log10(peak + 1) if log_y else peak

    def ys(c: float) -> float:
        v = math.log10(c + 1) if log_y else c
        return top + ph - v / (top_value or 1) * ph

    parts = ["<g class='grid'>"]
    if log_y:
        ticks = [10 ** k for k in range(0, int(math.floor(math.log10(peak))) + 1)]
        tick_pos = [(0, ys(0))] + [(t, ys(t)) for t in ticks if t >= 10]
    else:
        tick_pos = [(t, ys(t)) for t in nice_ticks(0, peak)]
    for _t, y in tick_pos:
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}'/>")
    parts.append("</g>")
    for t, y in tick_pos:
        parts.append(_text(left - 6, y + 4, _tick_label(t), anchor="end", size=10))
    for i, c in enumerate(counts):
        x0, x1 = xs(float(edges[i])), xs(float(edges[i + 1]))
        y = ys(int(c))
        tip = f"{float(edges[i]):g} to {float(edges[i + 1]):g}: {int(c):,} pairs"
        parts.append(f"<rect class='mark' x='{x0 + 0.5:.1f}' y='{y:.1f}' "
                     f"width='{max(x1 - x0 - 1, 0.5):.1f}' height='{top + ph - y:.1f}' "
                     f"fill='{COLOURS[0]}'><title>{esc(tip)}</title></rect>")
    for t in nice_ticks(lo, hi, 10):
        x = xs(t)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top + ph}' y2='{top + ph + 4}' "
                     "stroke='#8c959f'/>")
        parts.append(_text(x, top + ph + 16, _tick_label(t), anchor="middle", size=10))
    parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{top + ph}' y2='{top + ph}' "
                 "stroke='#8c959f'/>")
    if marker is not None and lo <= marker <= hi:
        x = xs(marker)
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{top + ph}' stroke='{NEG}' "
                     "stroke-width='2' stroke-dasharray='5 3'/>")
        parts.append(_marker_label(x, top + 10, marker_label, width))
    parts.append(_text(left + pw / 2, height - 6, x_label, anchor="middle"))
    y_label = "pairs (log scale)" if log_y else "pairs"
    parts.append(_text(14, top + ph / 2, y_label, anchor="middle",
                       extra=f" transform='rotate(-90 14 {top + ph / 2:.1f})'"))
    return _svg("histogram", width, height, "".join(parts), f"histogram of {x_label}")


def _marker_label(x: float, y: float, label: str, width: float) -> str:
    """Label a marker line on its right, or on its left where the label would leave the chart."""
    if x + 4 + text_width(label, 10) <= width - 2:
        return _text(x + 4, y, label, size=10, extra=f" fill='{NEG}'")
    return _text(x - 4, y, label, anchor="end", size=10, extra=f" fill='{NEG}'")


def zoomed_range(values: Sequence[float | None], lo: float = 0.0, hi: float = 1.0,
                 min_share: float = 0.5) -> tuple[float, float]:
    """Choose an axis range for ``values`` inside [lo, hi] (zoomed when they bunch together).

    The whole range, unless the values fill less than ``min_share`` of it: then the values'
    range, padded and rounded out to round ticks.
    """
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not finite:
        return lo, hi
    vmin, vmax = max(min(finite), lo), min(max(finite), hi)
    if vmax - vmin >= min_share * (hi - lo):
        return lo, hi
    pad = max((vmax - vmin) * 0.1, (hi - lo) * 0.002)
    a, b = max(lo, vmin - pad), min(hi, vmax + pad)
    for _ in range(2):  # round out to the ticks' step; once more, as the wider range may
        ticks = nice_ticks(a, b, 5)  # ask for a longer step
        step = ticks[1] - ticks[0] if len(ticks) > 1 else (b - a) or (hi - lo) * 0.01
        a = max(lo, math.floor(a / step + 1e-9) * step)
        b = min(hi, math.ceil(b / step - 1e-9) * step)
    if b - a >= min_share * (hi - lo):
        return lo, hi
    return round(a, 10), round(b, 10)


def line_chart(x: Sequence[float], series: Sequence[tuple[str, Sequence[float], str, bool]], *,
               x_label: str, y_label: str, marker: float | None = None,
               marker_label: str = "", width: int = 720, height: int = 280) -> str:
    """Lines over a shared x axis in [0, 1]: ``series`` is (name, ys, colour, dashed).

    The y axis is [0, 1] unless every value lies in a band narrower than half of it (precision
    and recall near 1, say): then it is zoomed to that band, which the axis and a note say.
    """
    legend_w = max([text_width(name, 10) for name, *_ in series] + [text_width(
        "y axis zoomed", 10)])
    left, right, top, bottom = 52, int(math.ceil(legend_w + 50)), 14, 44
    pw, ph = width - left - right, height - top - bottom
    y_lo, y_hi = zoomed_range([v for _, ys_, _, _ in series for v in ys_])
    zoomed = (y_lo, y_hi) != (0.0, 1.0)

    def xs(v: float) -> float:
        return left + v * pw

    def ys(v: float) -> float:
        return top + ph - (min(max(v, y_lo), y_hi) - y_lo) / (y_hi - y_lo) * ph

    y_ticks = nice_ticks(y_lo, y_hi, 5) if zoomed else [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    parts = ["<g class='grid'>"]
    for t in y_ticks:
        parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{ys(t):.1f}' y2='{ys(t):.1f}'/>")
    parts.append("</g>")
    for t in y_ticks:
        parts.append(_text(left - 6, ys(t) + 4, _tick_label(t), anchor="end", size=10))
    for t in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(_text(xs(t), top + ph + 16, f"{t:g}", anchor="middle", size=10))
    parts.append(f"<line x1='{left}' x2='{left + pw}' y1='{top + ph}' y2='{top + ph}' "
                 "stroke='#8c959f'/>")
    if zoomed:
        # a zigzag on the y axis: the axis does not start at 0
        zx, zy = left, top + ph
        parts.append(f"<path d='M{zx - 5},{zy - 4} L{zx + 5},{zy - 8} M{zx - 5},{zy - 9} "
                     f"L{zx + 5},{zy - 13}' stroke='#57606a' fill='none'/>")
    for k, (name, ys_, colour, dashed) in enumerate(series):
        pts = [(xs(float(a)), ys(float(b))) for a, b in zip(x, ys_, strict=True)
               if b is not None and math.isfinite(float(b))]
        if not pts:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}"
                        for i, (px, py) in enumerate(pts))
        dash = " stroke-dasharray='6 4'" if dashed else ""
        parts.append(f"<path class='mark' d='{path}' fill='none' stroke='{colour}' "
                     f"stroke-width='2'{dash}><title>{esc(name)}</title></path>")
        ly = top + 12 + 18 * k
        parts.append(f"<line x1='{left + pw + 12}' x2='{left + pw + 34}' y1='{ly - 4}' "
                     f"y2='{ly - 4}' stroke='{colour}' stroke-width='2'{dash}/>")
        parts.append(_text(left + pw + 38, ly, name, size=10))
    if zoomed:
        ny = top + 12 + 18 * len(series) + 10
        parts.append(_text(left + pw + 12, ny, "y axis zoomed", size=10,
                           extra=" fill='#57606a' font-style='italic'"))
        parts.append(_text(left + pw + 12, ny + 14, f"to {_tick_label(y_lo)}–{_tick_label(y_hi)}",
                           size=10, extra=" fill='#57606a' font-style='italic'"))
    if marker is not None and 0 <= marker <= 1:
        mx = xs(marker)
        parts.append(f"<line x1='{mx:.1f}' x2='{mx:.1f}' y1='{top}' y2='{top + ph}' "
                     f"stroke='{NEG}' stroke-width='1.5' stroke-dasharray='5 3'/>")
        parts.append(_marker_label(mx, top + ph - 6, marker_label, left + pw))
    parts.append(_text(left + pw / 2, height - 6, x_label, anchor="middle"))
    parts.append(_text(14, top + ph / 2, y_label, anchor="middle",
                       extra=f" transform='rotate(-90 14 {top + ph / 2:.1f})'"))
    label = f"{y_label} against {x_label}"
    if zoomed:
        label += f" (y axis from {_tick_label(y_lo)} to {_tick_label(y_hi)})"
    return _svg("lines", width, height, "".join(parts), label)


def hbars(labels: Sequence[str], values: Sequence[float], *, value_label: str,
          colour: str = COLOURS[0], width: int = 720) -> str:
    """Horizontal bars, one per label (for counts such as candidate pairs per blocking rule)."""
    bar, gap = 18, 6
    left = int(math.ceil(12 + max([text_width(s, FONT) for s in labels] + [20.0])))
    right = int(math.ceil(12 + max([text_width(f"{float(v):,.0f}", 10) for v in values]
                                   + [30.0])))
    pw = width - left - right
    height = 20 + len(labels) * (bar + gap) + 26
    peak = max([float(v) for v in values] + [1.0])
    parts = []
    for i, (name, v) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * (bar + gap)
        w = max(float(v) / peak * pw, 0.5)
        parts.append(_text(left - 8, y + bar - 5, name, anchor="end"))
        parts.append(f"<rect class='mark' x='{left}' y='{y}' width='{w:.1f}' height='{bar}' "
                     f"fill='{colour}'><title>{esc(name)}: {float(v):,.0f} "
                     f"{esc(value_label)}</title></rect>")
        parts.append(_text(left + w + 6, y + bar - 5, f"{float(v):,.0f}", size=10))
    parts.append(_text(left + pw / 2, height - 6, value_label, anchor="middle"))
    return _svg("bars", width, height, "".join(parts), value_label)


def model_chart(fields: Sequence[dict], *, width: int = 860) -> str:
    """Per field and level: m and u as paired bars (left), the match weight log2(m/u) (right).

    ``fields`` holds dicts with keys ``field``, ``levels``, ``m``, ``u``, ``weights`` (lists
    over the levels other than ``missing``, which always weighs 0).
    """
    row, gap = 16, 10
    name_w = max(120, int(math.ceil(max([text_width(str(f["field"]), FONT, bold=True) + 8
                                         for f in fields] + [0.0]))))
    level_w = max(92, int(math.ceil(max([text_width(str(v), 10) + 10 for f in fields
                                         for v in f["levels"]] + [0.0]))))
    mu_w, sep = 230, 40
    weight_x0 = name_w + level_w + mu_w + sep
    weight_w = width - weight_x0 - 60
    all_w = [float(w) for f in fields for w in f["weights"] if math.isfinite(float(w))]
    span = max([abs(w) for w in all_w] + [1.0])
    span = math.ceil(span)
    zero = weight_x0 + weight_w / 2

    def wx(w: float) -> float:
        return zero + max(-span, min(span, w)) / span * (weight_w / 2)

    top = 34
    y = top
    parts = [
        _text(name_w + level_w, 14, "m (among matches)", size=10, extra=f" fill='{M_COLOUR}'"),
        _text(name_w + level_w + 110, 14, "u (among non-matches)", size=10,
              extra=f" fill='{U_COLOUR}'"),
        _text(zero, 14, "match weight log2(m/u)", anchor="middle", size=10),
    ]
    body = []
    for f in fields:
        levels = list(f["levels"])
        body.append(_text(4, y + row - 4, f["field"], extra=" font-weight='600'"))
        for j, level in enumerate(levels):
            m, u, w = float(f["m"][j]), float(f["u"][j]), float(f["weights"][j])
            body.append(_text(name_w + level_w - 6, y + row - 4, level, anchor="end", size=10))
            mx = name_w + level_w
            body.append(f"<rect class='mark' x='{mx}' y='{y + 1}' width='{max(m * mu_w, 0.5):.1f}'"
                        f" height='{row / 2 - 1:.1f}' fill='{M_COLOUR}'><title>{esc(f['field'])} "
                        f"{esc(level)}: m = {m:.4g}</title></rect>")
            body.append(f"<rect class='mark' x='{mx}' y='{y + row / 2:.1f}' "
                        f"width='{max(u * mu_w, 0.5):.1f}' height='{row / 2 - 1:.1f}' "
                        f"fill='{U_COLOUR}'><title>{esc(f['field'])} {esc(level)}: u = {u:.4g}"
                        "</title></rect>")
            x1 = wx(w)
            colour = POS if w >= 0 else NEG
            body.append(f"<rect class='mark' x='{min(zero, x1):.1f}' y='{y + 2}' "
                        f"width='{max(abs(x1 - zero), 0.5):.1f}' height='{row - 4}' "
                        f"fill='{colour}'><title>{esc(f['field'])} {esc(level)}: weight "
                        f"{w:+.2f}</title></rect>")
            tx, anchor = (x1 + 4, "start") if w >= 0 else (x1 - 4, "end")
            body.append(_text(tx, y + row - 4, f"{w:+.1f}", anchor=anchor, size=9))
            y += row
        y += gap
    height = y + 26
    grid = []
    for t in nice_ticks(-span, span, 6):
        gx = wx(t)
        grid.append(f"<line x1='{gx:.1f}' x2='{gx:.1f}' y1='{top - 4}' y2='{y - gap}' "
                    f"stroke='{'#8c959f' if t == 0 else '#eaeef2'}'/>")
        grid.append(_text(gx, y + 8, f"{t:g}", anchor="middle", size=9))
    for t in (0, 0.5, 1.0):
        gx = name_w + level_w + t * mu_w
        grid.append(f"<line x1='{gx:.1f}' x2='{gx:.1f}' y1='{top - 4}' y2='{y - gap}' "
                    "stroke='#eaeef2'/>")
        grid.append(_text(gx, y + 8, f"{t:g}", anchor="middle", size=9))
    return _svg("model", width, height, "".join(grid) + "".join(parts) + "".join(body),
                "m, u and match weight per field and level")


def waterfall(prior: float, parts: Sequence[tuple[str, str, float]], total: float,
              probability: float, *, width: int = 760) -> str:
    """Draw a pair's match weight built up step by step: the prior, each field's weight, the total.

    ``parts`` is (field, level name, weight). Bars start where the previous step ended, so the
    last bar's end is the total; blue steps push towards a match, red away from it.
    """
    row = 17
    steps = [("prior (λ)", "", prior)] + list(parts)
    running = [0.0]
    for _, _, w in steps:
        running.append(running[-1] + w)
    total_label = f"{total:+.2f}  (p = {probability:.3f})"
    labels = [f"{name}: {level}" if level else name for name, level, _ in steps]
    label_w = int(math.ceil(max(160.0, *(text_width(t, 10) + 10 for t in labels),
                                text_width("total", 10, bold=True) + 10)))
    # room right of the bars for the total's label and the step labels that end there
    right = int(math.ceil(max(text_width(total_label, 9, bold=True),
                              *(text_width(f"{w:+.2f}", 9) for _, _, w in steps)) + 8))
    lo = math.floor(min(running + [total, 0.0]))
    hi = math.ceil(max(running + [total, 0.0]))
    if hi - lo < 4:
        hi, lo = hi + 2, lo - 2
    pw = width - label_w - right

    def xs(v: float) -> float:
        return label_w + (v - lo) / (hi - lo) * pw

    out = []
    y = 8
    n_rows = len(steps) + 1
    for t in nice_ticks(lo, hi, 8):
        gx = xs(t)
        out.append(f"<line x1='{gx:.1f}' x2='{gx:.1f}' y1='4' y2='{8 + n_rows * row:.0f}' "
                   f"stroke='{'#8c959f' if t == 0 else '#eaeef2'}'/>")
        out.append(_text(gx, 22 + n_rows * row, f"{t:g}", anchor="middle", size=9))
    for i, (_, _, w) in enumerate(steps):
        a, b = running[i], running[i + 1]
        colour = POS if w >= 0 else NEG
        label = labels[i]
        out.append(_text(label_w - 8, y + row - 5, label, anchor="end", size=10))
        out.append(f"<rect class='mark' x='{xs(min(a, b)):.1f}' y='{y + 2}' "
                   f"width='{max(abs(xs(b) - xs(a)), 0.8):.1f}' height='{row - 4}' "
                   f"fill='{colour}'><title>{esc(label)}: {w:+.2f}</title></rect>")
        if i + 1 < len(steps):
            out.append(f"<line x1='{xs(b):.1f}' x2='{xs(b):.1f}' y1='{y + row - 2}' "
                       f"y2='{y + row + 2}' stroke='#57606a'/>")
        tx, anchor = (xs(max(a, b)) + 4, "start") if w >= 0 else (xs(min(a, b)) - 4, "end")
        if w < 0 and xs(min(a, b)) - 40 < label_w:
            tx, anchor = xs(max(a, b)) + 4, "start"
        out.append(_text(tx, y + row - 5, f"{w:+.2f}", anchor=anchor, size=9))
        y += row
    colour = POS if total >= 0 else NEG
    out.append(_text(label_w - 8, y + row - 5, "total", anchor="end", size=10,
                     extra=" font-weight='600'"))
    out.append(f"<rect class='mark' x='{xs(min(0, total)):.1f}' y='{y + 2}' "
               f"width='{max(abs(xs(total) - xs(0)), 0.8):.1f}' height='{row - 4}' "
               f"fill='{colour}' fill-opacity='0.55' stroke='{colour}'><title>total match weight "
               f"{total:+.2f}, probability {probability:.4f}</title></rect>")
    out.append(_text(xs(max(0, total)) + 4, y + row - 5, total_label, size=9,
                     extra=" font-weight='600'"))
    height = 30 + n_rows * row
    return _svg("waterfall", width, height, "".join(out), "match weight waterfall")
