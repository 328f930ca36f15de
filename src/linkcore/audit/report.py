"""The audit's self-contained offline HTML report: a verdict list, a table, and an SVG chart.

Inline CSS and SVG only, no scripts or external resources, so that it opens anywhere and can be
attached to a data-sharing request. It shows field names, attack names, rates and counts, never a
value. (The product's report family will share one style later; this module keeps the audit's
HTML in one place.)
"""

from __future__ import annotations

import datetime as _dt
import html
import math

from ..report.charts import text_width
from .exposure import exposure_line
from .run import ATTACKS, RISK_MARGIN, AuditResult

_COLOURS = {"frequency": "#d95f02", "pattern_mining": "#7570b3", "graph_matching": "#1b9e77",
            "double_hashing": "#e7298a", "salt_groups": "#66a61e", "cross_view": "#e6ab02",
            "view_join": "#fb9a99", "cluster_denoise": "#a6761d",
            "pattern_mining@denoised": "#666666", "graph_matching@groups": "#1f78b4",
            "combined": "#b00020"}
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1000px;color:#222;padding:0 1em}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{padding:.35em .6em;
border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child,th:nth-child(2),
td:nth-child(2){text-align:left}th{background:#f4f4f4}.risk{color:#b00020;font-weight:600}
.ok{color:#1b7a36}ul.verdicts{list-style:none;padding:0}
ul.verdicts li{margin:.4em 0;padding:.5em .8em;border-left:4px solid #1b7a36;
background:#f6fbf7}
ul.verdicts li.risk{border-color:#b00020;background:#fdf3f4}
ul.verdicts li.disclosed{border-color:#8a6d00;background:#fdf9ec}
.muted{color:#777;font-size:.85em}svg text{font-family:inherit}
svg{max-width:100%;height:auto;display:block}
"""


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _chart(result: AuditResult) -> str:
    """Draw grouped horizontal bars: per field, one bar per scored attack; a tick marks chance.

    The label column and the legend are sized from the labels' widths (estimated generously by
    ``report.charts.text_width``), so no field name or legend entry is cut off; the legend wraps
    onto as many rows as it needs.
    """
    scored = [r for r in result.results if r.score is not None]
    targets = list(dict.fromkeys(r.target for r in scored))
    if not targets:
        return "<p class='muted'>No attack produced a score.</p>"
    bar_h, gap, plot_w, right = 14, 12, 560, 48
    left = max(130, int(math.ceil(max(text_width(t, 12) for t in targets) + 12)))
    width = left + plot_w + right
    rows: list[str] = []
    y = 10
    for target in targets:
        group = [r for r in scored if r.target == target]
        rows.append(f"<text x='{left - 8}' y='{y + bar_h * len(group) / 2 + 4:.0f}' "
                    f"text-anchor='end' font-size='12'>{html.escape(target)}</text>")
        for r in group:
            s = r.score
            assert s is not None
            w = max(plot_w * s.reidentified, 0.5)
            colour = _COLOURS.get(r.attack, "#666")
            label = f"{ATTACKS.get(r.attack, r.attack)}: {_pct(s.reidentified)}"
            rows.append(f"<rect x='{left}' y='{y}' width='{w:.1f}' height='{bar_h - 2}' "
                        f"fill='{colour}'><title>{html.escape(label)} (chance "
                        f"{_pct(s.baseline)})</title></rect>")
            cx = left + plot_w * s.baseline
            rows.append(f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{y - 1}' y2='{y + bar_h - 1}' "
                        f"stroke='#000' stroke-width='2'/>")
            rows.append(f"<text x='{left + w + 4:.1f}' y='{y + bar_h - 4}' font-size='10'>"
                        f"{_pct(s.reidentified)}</text>")
            y += bar_h
        y += gap
    axis = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + plot_w * tick
        axis.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='0' y2='{y}' stroke='#eee'/>"
                    f"<text x='{x:.1f}' y='{y + 14}' font-size='10' text-anchor='middle'>"
                    f"{int(tick * 100)}%</text>")
    axis.append(f"<text x='{left + plot_w / 2:.1f}' y='{y + 30}' font-size='11' "
                "text-anchor='middle'>share of records re-identified (top-1)</text>")
    # legend: one entry per attack and the chance tick, wrapped onto rows of the chart's width
    shown = [a for a in ATTACKS if any(r.attack == a for r in scored)]
    entries = [(ATTACKS[a], f"<rect x='{{x}}' y='{{y}}' width='10' height='10' "
                            f"fill='{_COLOURS.get(a, '#666')}'/>") for a in shown]
    entries.append(("chance", "<line x1='{x5}' x2='{x5}' y1='{y}' y2='{y10}' stroke='#000' "
                              "stroke-width='2'/>"))
    legend = []
    lx, ly = 8.0, y + 44
    for name, mark in entries:
        entry_w = 14 + text_width(name, 11) + 18
        if lx > 8 and lx + entry_w > width - 4:
            lx, ly = 8.0, ly + 18
        legend.append(mark.format(x=f"{lx:.1f}", x5=f"{lx + 5:.1f}", y=ly, y10=ly + 10)
                      + f"<text x='{lx + 14:.1f}' y='{ly + 9}' font-size='11'>"
                      f"{html.escape(name)}</text>")
        lx += entry_w
    height = ly + 20
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' data-chart='audit' "
            f"viewBox='0 0 {width} {height}' width='{width}' height='{height}' role='img' "
            "aria-label='attack success per field'>"
            + "".join(axis) + "".join(rows) + "".join(legend) + "</svg>")


def render_html(result: AuditResult, title: str = "linkcore privacy audit") -> str:
    """Render the whole report as one HTML document (no external resources)."""
    when = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    verdicts = "".join(
        f"<li class='{'risk' if v.at_risk else 'disclosed' if v.disclosed else 'ok'}'>"
        f"{html.escape(v.message)}</li>"
        for v in result.verdicts)
    body_rows = []
    for r in result.results:
        name = html.escape(ATTACKS.get(r.attack, r.attack))
        if r.score is None:
            body_rows.append(f"<tr><td>{html.escape(r.target)}</td><td>{name}</td>"
                             f"<td colspan='5' class='muted'>not applicable: "
                             f"{html.escape(r.note)}</td></tr>")
            continue
        s = r.score
        risky = s.reidentified > s.baseline + RISK_MARGIN
        cls = " class='risk'" if risky else ""
        body_rows.append(
            f"<tr><td>{html.escape(r.target)}</td><td>{name}</td><td{cls}>{_pct(s.reidentified)}"
            f"</td><td>{_pct(s.baseline)}</td><td>{_pct(s.values_recovered)}</td>"
            f"<td>{_pct(s.confident_precision)} <span class='muted'>of "
            f"{_pct(s.confident_share)}</span></td><td>{s.records:,}</td></tr>")
    shown = ", ".join(result.disclosed)
    status = ("<p class='risk'>At least one field is at risk.</p>" if result.at_risk
              else f"<p class='ok'>No field is at risk under these attacks; disclosed by the "
                   f"schema: {html.escape(shown)}.</p>" if shown
              else "<p class='ok'>No field is at risk under these attacks.</p>")
    exposure = (f"<p>{html.escape(exposure_line(result.exposure))}</p>" if result.exposure
                else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="muted">{result.records:,} records attacked with a reference population of
{result.reference_records:,}; schema {html.escape(result.schema_fingerprint[:16])}&hellip;;
{when}. Rates and counts only: this report holds no value from the data.</p>
{status}
<ul class="verdicts">{verdicts}</ul>
{exposure}
<h2>Attack success per field</h2>
{_chart(result)}
<h2>Every attack</h2>
<table><thead><tr><th>field</th><th>attack</th><th>re-identified</th><th>chance</th>
<th>values recovered</th><th>confident precision (share)</th><th>records</th></tr></thead>
<tbody>{''.join(body_rows)}</tbody></table>
<p class="muted">Re-identified: share of records whose value the attack guessed exactly (top-1).
Chance: the best score without the encoded file (guess the reference's most frequent value, or
guess by reference frequencies), or, if higher, the same given what the file reveals trivially
(sex). A field is at risk when any attack beats it by more than one point.
Values recovered: share of distinct values guessed right at least
once. Confident precision: share of the attack's confident guesses that are right. See
docs/privacy_audit.md.</p>
</body></html>
"""
