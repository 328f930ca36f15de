"""The offline HTML linkage report: contents, no plaintext, no network, a real browser render."""

from __future__ import annotations

import html as html_lib
import json
import math
import re
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkcore import Secret, encode, link
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.model import estimate_quality
from linkcore.report import charts, link_report_data, page, render_link_report, write_link_report
from linkcore.report.link_report import NEAR_POOL, quality_curve
from linkcore.synth import generate_extracts, generate_population

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)


@pytest.fixture(scope="module")
def linked():
    synth = generate_extracts(generate_population(1500, 11), 2, 0.5, "moderate", 11)
    a, b = synth.extracts
    schema, mapping_a, _ = suggest_schema(a)
    mapping_b, _ = suggest_mapping(b, schema)
    secret = Secret(bytes(range(32)))
    ea, eb = encode(a, schema, secret, mapping_a), encode(b, schema, secret, mapping_b)
    with_candidates = link(ea, eb, return_candidates=True)
    without = link(ea, eb)
    return synth, with_candidates, without


def test_report_data_holds_every_section(linked):
    synth, result, _ = linked
    data = link_report_data(result, truth=synth.truth, sample=3)
    assert sum(data["histograms"]["probability"]["counts"]) == len(result.candidates)
    names = [f["field"] for f in data["fields"]]
    assert names == result.model.fields
    for f in data["fields"]:
        assert len(f["levels"]) == len(f["m"]) == len(f["u"]) == len(f["weights"])
        assert math.isclose(sum(f["m"]), 1.0, abs_tol=1e-6)
        for m, u, w in zip(f["m"], f["u"], f["weights"], strict=True):
            assert math.isclose(w, math.log2(m / u), rel_tol=1e-9, abs_tol=1e-9)
    assert data["true_curve"] is not None
    assert 1 <= len(data["pairs"]) <= 6
    for p in data["pairs"]:
        total = p["prior_weight"] + sum(f["weight"] for f in p["fields"])
        assert math.isclose(total, p["total_weight"], abs_tol=1e-9)
        assert p["accepted"] == (p["status"] == "accepted")
        assert p["same_pattern"] >= 1


def test_explained_pairs_are_near_the_threshold_and_distinct(linked):
    _, result, _ = linked
    data = link_report_data(result, sample=5)
    patterns = [tuple(f["level"] for f in p["fields"]) for p in data["pairs"]]
    assert len(set(patterns)) == len(patterns)
    cands = result.candidates
    probs, accepted = cands["probability"].to_numpy(), cands["accepted"].to_numpy(dtype=bool)
    t = result.threshold
    for p in data["pairs"]:
        side = probs[accepted == p["accepted"]]
        pool = np.sort(np.abs(side - t))[:NEAR_POOL]  # the pool each side is sampled from
        assert abs(p["probability"] - t) <= pool.max() + 1e-12


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=300), st.sampled_from([0.1, 0.5, 0.9]))
def test_curve_agrees_with_estimate_quality(probs, t):
    p = np.asarray(probs)
    curve = quality_curve(p, grid=[t])
    q = estimate_quality(p, t)
    for key in ("precision", "recall"):
        got, want = curve[key][0], q[key]
        if math.isnan(want):
            assert got is None
        else:
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    assert curve["accepted"][0] == q["n_accepted"]


def test_report_without_candidates_uses_matches_and_an_approximate_curve(linked):
    _, _, result = linked
    assert result.candidates is None
    data = link_report_data(result)
    assert "approximate" in data["curve_source"]
    assert all(p["accepted"] for p in data["pairs"])
    html = render_link_report(result)
    assert "<svg" in html


def test_report_holds_no_plaintext_and_fetches_nothing(linked):
    synth, result, _ = linked
    html = render_link_report(result, truth=synth.truth)
    for df in synth.extracts:
        for col in df.columns[1:]:
            values = [str(v) for v in df[col].dropna().unique() if len(str(v)) >= 7]
            assert not [v for v in values if v in html], col
    assert "<script" not in html.lower()
    assert not re.search(r"\b(src|srcset)\s*=", html)
    assert "@import" not in html and "url(" not in html
    hrefs = re.findall(r"href\s*=\s*['\"]([^'\"]*)", html)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    # the only URL is the SVG namespace, which is an identifier, not a fetch
    assert set(re.findall(r"https?://[^'\"\s<>]+", html)) <= {"http://www.w3.org/2000/svg"}


def test_write_link_report(tmp_path, linked):
    _, result, _ = linked
    target = tmp_path / "sub" / "report.html"
    write_link_report(result, target, title="a <title> & more")
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "a &lt;title&gt; &amp; more" in text
    assert not list(target.parent.glob("*.partial"))


def test_shared_shell_escapes_and_lists_sections():
    html = page("Audit <x>", "<p>body</p>", sections=[("a", "Part <1>")])
    assert "Audit &lt;x&gt;" in html and "<p>body</p>" in html
    assert "href='#a'" in html and "Part &lt;1&gt;" in html
    assert "--accent" in html  # the shared stylesheet is inlined


def test_charts_carry_one_mark_per_datum():
    svg = charts.histogram([0, 0.5, 1], [3, 1000], x_label="p", marker=0.5)
    assert svg.count("class='mark'") == 2 and "data-chart='histogram'" in svg
    svg = charts.waterfall(-5.0, [("a", "exact", 7.0), ("b", "else", -1.0)], 1.0, 0.667)
    assert svg.count("class='mark'") == 4
    fields = [{"field": "f", "levels": ["exact", "else"], "m": [0.9, 0.1], "u": [0.01, 0.99],
               "weights": [6.49, -3.3]}]
    assert charts.model_chart(fields).count("class='mark'") == 6
    assert charts.hbars(["x", "y"], [10, 0], value_label="pairs").count("class='mark'") == 2


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6))
def test_nice_ticks_cover_the_range(lo, span):
    ticks = charts.nice_ticks(lo, lo + span)
    assert 2 <= len(ticks) <= 12
    assert ticks == sorted(ticks)
    step = ticks[1] - ticks[0]
    # the first tick may sit below lo by rounding noise only (1e-9 of a step)
    assert ticks[0] >= lo - 1e-9 * step - 1e-6 * max(1, abs(lo))
    assert ticks[0] - step < lo + 1e-9 * abs(step)


# Appended to a copy of a report (the report itself has no script): writes into the DOM, as
# JSON, every SVG text whose box leaves its chart (the browser clips it there), every two texts
# of one chart that overlap, how many texts were checked, and how many waterfall totals there
# are, so that --dump-dom carries the browser's own layout out.
MEASURE = """<script>
const clipped = [], overlapping = []; let checked = 0, totals = 0;
for (const svg of document.querySelectorAll('svg')) {
  const box = svg.getBoundingClientRect();
  const chart = svg.getAttribute('data-chart') || svg.getAttribute('aria-label');
  const texts = [...svg.querySelectorAll('text')].map(t => [t.textContent,
                                                            t.getBoundingClientRect()]);
  texts.forEach(([text, r], i) => {
    checked += 1;
    if (text.includes('(p = ')) totals += 1;
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
        r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {
      clipped.push({chart, text, left: r.left - box.left, right: box.right - r.right});
    }
    for (const [other, q] of texts.slice(i + 1)) {
      const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
      const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
      if (w > 1 && h > 1) overlapping.push({chart, text, other});
    }
  });
}
const out = document.createElement('pre'); out.id = 'measured';
out.textContent = JSON.stringify({checked, totals, clipped, overlapping});
document.body.appendChild(out);
</script>"""


def _chromium(tmp_path) -> list[str]:
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr", "--v=0"]


def _measure_in_chromium(tmp_path, report, width: int) -> dict:
    """Lay the report out in headless Chromium at a window width; return MEASURE's findings."""
    probe = tmp_path / f"measure_{width}_{report.name}"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                     encoding="utf-8")
    dom = subprocess.run([*_chromium(tmp_path), f"--window-size={width},2000", "--dump-dom",
                          probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom.stdout, re.S)
    assert found, "the measuring script did not run"
    return json.loads(html_lib.unescape(found.group(1)))


def _assert_no_text_clipped(tmp_path, report, *, min_texts: int) -> dict:
    for width in (1200, 800):  # the page's full width, and a narrow window that scales the SVGs
        measured = _measure_in_chromium(tmp_path, report, width)
        assert measured["checked"] >= min_texts
        assert measured["clipped"] == [], f"at window width {width}: {measured['clipped']}"
        assert measured["overlapping"] == [], f"at width {width}: {measured['overlapping']}"
    return measured


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install "
                    "chromium; .ci/run installs it), so the report cannot be rendered in a browser")
def test_report_renders_in_headless_chromium(tmp_path, linked):
    synth, result, _ = linked
    report = tmp_path / "report.html"
    write_link_report(result, report, truth=synth.truth)
    shot = tmp_path / "shot.png"
    base = _chromium(tmp_path)
    dom = subprocess.run([*base, "--dump-dom", report.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Uncaught" not in dom.stderr
    assert "CONSOLE" not in dom.stderr  # no console message of any kind
    assert "ERR_" not in dom.stderr  # no failed (network) load
    charts_in_dom = re.findall(r"<svg[^>]*data-chart=\"(\w+)\"", dom.stdout)
    assert {"histogram", "model", "lines", "bars", "waterfall"} <= set(charts_in_dom)
    assert dom.stdout.count('class="mark"') > 50
    grab = subprocess.run([*base, "--hide-scrollbars", "--window-size=1200,2400",
                           f"--screenshot={shot}", report.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert grab.returncode == 0, grab.stderr[-2000:]
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    # no label of any chart is cut off: every waterfall's total ("+35.45  (p = 1.000)"), the
    # axis labels, the legends
    measured = _assert_no_text_clipped(tmp_path, report, min_texts=200)
    assert measured["totals"] == len(link_report_data(result, truth=synth.truth)["pairs"]) > 0


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_audit_report_labels_and_legend_are_not_clipped_in_chromium(tmp_path, linked):
    from linkcore.audit.report import render_html
    from linkcore.audit.run import run_audit
    from linkcore.synth import make_register

    synth, _, _ = linked
    a = synth.extracts[0]
    schema, mapping, _ = suggest_schema(a)
    register = make_register(generate_population(1500, 11), 11)
    reference_mapping, _ = suggest_mapping(register, schema)
    # frequency alignment alone: it has a bar for every field, the CLK and each blocking key
    # ("block:date_of_birth.value", the longest label); the legend lists every attack
    audit = run_audit(a, schema, mapping, Secret(bytes(range(32))), register,
                      reference_mapping, attacks=("frequency",))
    assert any(len(r.target) > 20 for r in audit.results if r.score is not None)
    report = tmp_path / "audit.html"
    report.write_text(render_html(audit), encoding="utf-8")
    _assert_no_text_clipped(tmp_path, report, min_texts=15)


def test_explained_pairs_carry_the_runs_corrections():
    # big enough for the salt group to be measured (names salted with the year of birth)
    from test_pipeline import synthetic

    (a, b), _, _, _ = synthetic(12000, 5, year_salt=True)
    result = link(a, b, return_candidates=True)
    assert result.salt is not None and result.salt.groups
    data = link_report_data(result, sample=6)
    probability = result.candidates.set_index(["id_a", "id_b"])["probability"]
    labels = set()
    for p in data["pairs"]:
        # the waterfall ends where the pair's real score is, corrections included
        assert p["probability"] == pytest.approx(probability[(p["id_a"], p["id_b"])], abs=1e-9)
        total = p["prior_weight"] + sum(f["weight"] for f in p["fields"])
        assert math.isclose(total, p["total_weight"], abs_tol=1e-9)
        labels |= {f["field"] for f in p["fields"]}
    assert "salt-group correction" in labels
    html = render_link_report(result)
    assert "<h3>Corrections</h3>" in html and "date_of_birth" in html


def test_precision_recall_axis_zooms_to_values_near_one():
    # precision and recall between 0.96 and 1: on a 0-1 axis both lines would lie flat on top
    x = [i / 20 for i in range(21)]
    precision = [0.995 + 0.005 * v for v in x]
    recall = [1.0 - 0.04 * v for v in x]
    svg = charts.line_chart(x, [("precision", precision, "#000", False),
                                ("recall", recall, "#111", True)],
                            x_label="threshold", y_label="precision / recall", marker=0.5)
    lo, hi = charts.zoomed_range(precision + recall)
    assert 0.9 <= lo <= 0.96 and hi == 1.0
    assert "y axis zoomed" in svg and f"y axis from {lo:g} to 1" in svg
    ys = [float(y) for d in re.findall(r"class='mark' d='([^']*)'", svg)
          for y in re.findall(r",([\d.]+)", d)]
    top, bottom = 14, 280 - 44  # the plot area of line_chart's default size
    assert max(ys) - min(ys) > 0.6 * (bottom - top)  # the lines use the height, not one row
    # values that spread over the range keep the whole 0-1 axis
    assert charts.zoomed_range([0.1, 0.9]) == (0.0, 1.0)
    assert "zoomed" not in charts.line_chart(x, [("p", [v for v in x], "#000", False)],
                                             x_label="t", y_label="p")


def test_waterfall_leaves_room_for_the_total_label():
    svg = charts.waterfall(-11.39, [("first_name", "exact", 14.16), ("ni_number", "exact", 19.91)],
                           42.68, 0.99999)
    width = float(re.search(r"width='(\d+)'", svg).group(1))
    x = float(re.search(r"<text x='([\d.]+)'[^>]*>\+42.68  \(p = 1.000\)</text>", svg).group(1))
    assert x + charts.text_width("+42.68  (p = 1.000)", 9, bold=True) <= width
