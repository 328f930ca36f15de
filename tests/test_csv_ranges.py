"""A CSV cut into byte ranges: the ranges' rows together are the whole table's, or no cut."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from linkcore._csv_ranges import CsvRange, cut_csv, read_csv_range
from linkcore._io import read_table
from linkcore.errors import InputDataError

CELLS = st.text(alphabet=['a', 'b', '"', ",", "\n", " ", "é"], max_size=6) | st.just("a\r\nb")
LINES = st.lists(st.text(alphabet=['a', '"', ",", " ", "\r"], max_size=8), max_size=2)


@st.composite
def csv_texts(draw):
    """Well-quoted tables (pandas writes them), sometimes with raw lines a writer would not make."""
    n = draw(st.integers(1, 25))
    rows = draw(st.lists(st.tuples(CELLS, CELLS), min_size=n, max_size=n))
    df = pd.DataFrame({"id": [f"r{i}" for i in range(n)],
                       "x": [r[0] for r in rows], "y": [r[1] for r in rows]})
    text = df.to_csv(index=False, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    lines = text.split("\n")
    for raw in draw(LINES):  # a blank, a stray quote, a short or long row
        at = draw(st.integers(1, len(lines)))
        lines.insert(at, raw)
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_texts(), parts=st.integers(1, 6))
def test_the_ranges_rows_are_the_whole_tables_or_there_is_no_cut(tmp_path_factory, text, parts):
    path = tmp_path_factory.mktemp("cut") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        whole = read_table(path)
    except InputDataError:
        event("refused whole")
        return  # the one-process encoder refuses it too
    if whole["id"].isna().any() or whole["id"].duplicated().any():
        event("ids refused")
        return  # the encoder refuses it (ids over the whole table are checked before any task)
    cut = cut_csv(path, parts, "id")
    event("cut" if cut is not None else "read whole")
    if cut is None:
        return
    columns, ranges, ids = cut
    assert len(ranges) <= parts
    pieces = []
    try:
        for b0, b1, s, e in ranges:
            piece = read_csv_range(CsvRange(str(path), columns, b0, b1, s, e, ""))
            assert len(piece) == e - s
            pieces.append(piece)
    except InputDataError:
        event("a task refused its range")
        return  # a row the whole read took otherwise fails its task: nothing is written
    got = pd.concat(pieces, ignore_index=True)
    pd.testing.assert_frame_equal(got, whole.reset_index(drop=True), check_dtype=False)
    assert list(ids) == whole["id"].tolist()
