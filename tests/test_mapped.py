"""Filters in memory-mapped scratch files (``mapped_dir``): the same data, the same links.

Reading with a mapped folder keeps the filter columns in nameless files there; every value
and every link result is the one read into memory gives, and nothing is left in the folder.
"""

from __future__ import annotations

import errno
import os

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from linkcore.cli import main
from linkcore.dataset import EncodedDataset, read_any
from linkcore.errors import ParameterError
from linkcore.holder.encode import encode
from linkcore.holder.encode_parts import encode_partitioned
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.linkage.pipeline import link
from linkcore.mapped import is_mapped, mapped_words, release
from linkcore.synth import generate_population, make_extracts

SECRET = Secret(bytes(range(7, 39)))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Two encoded files (one Parquet file, one partitioned dataset) of about 700 records."""
    root = tmp_path_factory.mktemp("mapped")
    pop = generate_population(1000, seed=4)
    (a, b), truth = make_extracts(pop, agencies=2, overlap=0.5, profile="moderate", seed=4)
    schema, map_a, _ = suggest_schema(a)
    map_b, _ = suggest_mapping(b, schema)
    encode(a, schema, SECRET, map_a).write(root / "a.parquet")
    encode_partitioned(b, schema, SECRET, root / "b.parts", map_b, partitions=3)
    return root / "a.parquet", root / "b.parts"


def same_dataset(x: EncodedDataset, y: EncodedDataset) -> None:
    assert (x.record_ids == y.record_ids).all()
    assert list(x.fields) == list(y.fields)
    for f in x.fields:
        assert np.array_equal(x.fields[f], y.fields[f])
    assert np.array_equal(x.missing, y.missing)
    for k in x.blocking_keys:
        assert np.array_equal(x.blocking_keys[k], y.blocking_keys[k])


@pytest.mark.parametrize("which", [0, 1])
def test_a_mapped_read_holds_the_same_records_and_leaves_no_file(pair, tmp_path, which):
    path = pair[which]
    mapped = read_any(path, mapped_dir=tmp_path)
    plain = EncodedDataset.read(path)
    same_dataset(mapped, plain)
    assert all(is_mapped(v) for v in mapped.fields.values())
    assert not any(is_mapped(v) for v in plain.fields.values())
    assert list(tmp_path.iterdir()) == []  # unlinked as soon as mapped


def test_a_mapped_link_over_cells_is_the_in_memory_link(pair, tmp_path):
    plain = link(*pair, seed=3)
    mapped = link(*pair, seed=3, mapped_dir=tmp_path, partitions=3)
    pd.testing.assert_frame_equal(mapped.matches, plain.matches)
    assert mapped.candidate_stats["union"] == plain.candidate_stats["union"]
    assert list(tmp_path.iterdir()) == []


def test_a_cell_keeps_its_pairs_and_levels_in_the_mapped_folder(pair, tmp_path):
    """With a spill folder a cell's candidate pairs and levels are nameless mapped files there,
    equal to the cell made in memory: a worker holds the cell it is making, not all it made."""
    from linkcore.linkage.blocking import plan_blocking
    from linkcore.linkage.compare import comparisons_for
    from linkcore.linkage.partitions import Grid, make_part, pair_cell

    a, b = (read_any(p) for p in pair)
    plan = plan_blocking(a, b, "auto")
    comparisons = comparisons_for(a)
    grid = Grid.even(len(a), len(b), 2)
    (s, e), (t, u) = grid.ranges("a")[1], grid.ranges("b")[0]
    part_a = make_part(a.subset(slice(s, e)), plan.part_keys("a", s, e), s, 1)
    part_b = make_part(b.subset(slice(t, u)), plan.part_keys("b", t, u), t, 0)
    light = plan.light()
    held = pair_cell(part_a, part_b, light, comparisons, 1000)
    spilled = pair_cell(part_a, part_b, light, comparisons, 1000, spill_dir=str(tmp_path))
    assert held.codes.size > 0
    assert is_mapped(spilled.codes) and is_mapped(spilled.levels)
    assert not is_mapped(held.codes) and not is_mapped(held.levels)
    assert np.array_equal(spilled.codes, held.codes)
    assert np.array_equal(spilled.levels, held.levels)
    assert list(tmp_path.iterdir()) == []


def test_a_worker_keeps_the_filters_of_its_rows_mapped_and_no_record_ids(pair, tmp_path):
    """Rows a worker reads from a file with a mapped folder: filters in nameless files there,
    row numbers in place of the ids; a folder a worker does not have is one clear error."""
    from linkcore.linkage.partitions import FileSource, read_source_rows

    for path in pair:
        whole = read_any(path)
        rows = read_source_rows(FileSource.of(path, tmp_path), 100, 300)
        same_dataset(numbered(whole.subset(slice(100, 300)), 100), rows)
        assert all(is_mapped(v) for v in rows.fields.values())
        assert list(tmp_path.iterdir()) == []
        with pytest.raises(ParameterError, match="a worker cannot keep its rows in the mapped "
                           "folder .*every worker needs that folder"):
            read_source_rows(FileSource.of(path, tmp_path / "absent"), 0, 10)


def test_a_spilled_part_keeps_every_per_row_column_mapped_and_compares_the_same(pair, tmp_path):
    """A worker's part with a spill folder: rows, flags (column by column), keys and popcounts
    in nameless files there, counted as nothing by dask's memory manager, still mapped after
    dask moves it (pickle), and its comparisons the in-memory part's."""
    import pickle
    import sys

    from linkcore.linkage.blocking import plan_blocking
    from linkcore.linkage.compare import comparisons_for
    from linkcore.linkage.partitions import make_part, numbered_rows

    a, b = (read_any(p) for p in pair)
    plan = plan_blocking(a, b, "auto")
    comparisons = comparisons_for(a)
    held = make_part(a, plan.part_keys("a", 0, len(a)), 0, 0)
    other = make_part(b, plan.part_keys("b", 0, len(b)), 0, 1)
    spilled = make_part(numbered_rows(a, 0), plan.part_keys("a", 0, len(a)), 0, 0, str(tmp_path))
    moved = pickle.loads(pickle.dumps(spilled))
    left, right = np.repeat(np.arange(len(a)), 3), np.tile(np.arange(3), len(a))
    want = held.comparator(other, comparisons, 100).levels(left, right)
    for part in (spilled, moved):
        ds = part.ds
        columns = [ds.record_ids, ds.missing, *ds.fields.values(), *ds.blocking_keys.values(),
                   *part.keys.values(), *part.popcounts(comparisons).values()]
        assert all(is_mapped(c) for c in columns)
        assert ds.missing.flags.f_contiguous
        assert sys.getsizeof(part) < sys.getsizeof(held) / 10
        same_dataset(ds, numbered(held.ds, 0))
        assert np.array_equal(part.comparator(other, comparisons, 100).levels(left, right), want)
    assert list(tmp_path.iterdir()) == []


def numbered(ds: EncodedDataset, start: int) -> EncodedDataset:
    """The dataset with row numbers from ``start`` in place of its ids (as a worker keeps it)."""
    return EncodedDataset(np.arange(start, start + len(ds)), ds.fields, ds.missing, ds.clk,
                          ds.blocking_keys, ds.meta)


def test_the_cli_links_the_same_with_a_mapped_folder(pair, tmp_path):
    runner = CliRunner()
    (tmp_path / "m").mkdir()
    one = runner.invoke(main, ["link", str(pair[0]), str(pair[1]), "-o", str(tmp_path / "1.csv"),
                               "--quiet"])
    two = runner.invoke(main, ["link", str(pair[0]), str(pair[1]), "-o", str(tmp_path / "2.csv"),
                               "--quiet", "--mapped-dir", str(tmp_path / "m"),
                               "--partitions", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, (one.output, two.output)
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()


def test_a_mapped_folder_that_is_not_there_is_one_line_and_no_output(pair, tmp_path):
    out = tmp_path / "m.csv"
    result = CliRunner().invoke(main, ["link", str(pair[0]), str(pair[1]), "-o", str(out),
                                       "--mapped-dir", str(tmp_path / "absent")])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "not a directory" in lines[0]
    assert not out.exists()


def test_a_full_disk_is_an_error_before_any_row_is_written(tmp_path, monkeypatch):
    def full(fd, offset, size):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(ParameterError, match="no room"):
        mapped_words(tmp_path, 1000, 16)
    assert list(tmp_path.iterdir()) == []


def test_mapped_words_are_zeroed_writable_and_private(tmp_path):
    words = mapped_words(tmp_path, 5, 3)
    assert words.shape == (5, 3) and words.dtype == np.uint64 and not words.any()
    words[2, 1] = 7
    assert int(words.sum()) == 7 and is_mapped(words[1:3])
    release(words[1:3], np.zeros(3, np.uint64), None)  # the pages go; the values stay
    assert words[2, 1] == 7 and int(words.sum()) == 7
    assert mapped_words(tmp_path, 0, 3).shape == (0, 3)


def test_a_file_system_that_cannot_reserve_space_still_maps(tmp_path, monkeypatch):
    def unsupported(fd, offset, size):
        raise OSError(errno.EOPNOTSUPP, os.strerror(errno.EOPNOTSUPP))

    monkeypatch.setattr(os, "posix_fallocate", unsupported)
    words = mapped_words(tmp_path, 4, 2)
    words[3] = 9
    assert is_mapped(words) and int(words.sum()) == 18
