"""Accepted pairs that look like twins: the same date of birth, first names wholly different.

Within one file, twins (and siblings born the same day) share a surname, a date of birth and an
address, and differ in first name. The Fellegi–Sunter weight takes the fields as independent
given the match status, so the agreement on the other three outweighs the one name that
differs, and such a pair is accepted as one person's two records. So is a duplicate recorded
under another first name (a nickname, a middle name used as the first). The encodings cannot
tell the two apart; how often each occurs is a property of the file. On three held-out
deduplication files written by helper sessions (2026-12-08: helper-68's file with duplicates
and its file without any, helper-66's seed 101 housing duplicates), 65 accepted pairs had the
date of birth equal and the first name at its lowest level, and 38 of them were two people
(22 of 46, 11 of 11, 5 of 8); over helper-68's three agencies linked and deduplicated together,
where one agency writes short forms of first names, 42 of 161. The pairs are counted so that a
run can say so; none is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkcore.dataset import EncodedDataset
from linkcore.linkage.compare import compare_pairs
from linkcore.linkage.levels import EXACT_LEVEL


@dataclass(frozen=True)
class TwinLikePairs:
    """Accepted pairs equal on ``date_field`` and wholly different on ``name_field``: a count."""

    date_field: str
    name_field: str
    pairs: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the two field names and the count (no record is named)."""
        return {"date_field": self.date_field, "name_field": self.name_field,
                "pairs": self.pairs}

    def message(self) -> str:
        """One line for a run's summary."""
        return (f"note: {self.pairs:,} accepted pair(s) agree on {self.date_field} but differ "
                f"wholly on {self.name_field}: twins look like this, and so does one person "
                "under another first name; the model cannot tell them apart (on held-out "
                "files 38 of 65 such pairs in one-file runs were two people, 42 of 161 across "
                "three agencies), so review them before merging")


def twin_like_pairs(ds: EncodedDataset, left: np.ndarray, right: np.ndarray,
                    comparisons: Sequence[Any]) -> TwinLikePairs | None:
    """Count the accepted pairs (``left``, ``right`` rows of ``ds``) that look like twins.

    The date field is the first unsalted field of kind ``date`` compared; the name field the
    first compared field of kind ``name`` that is not a view of other fields (the schema's
    first name, as ``schema suggest`` orders them). None when either is absent.
    """
    specs = {f.name: f for f in ds.schema.fields}
    compared = [c.field for c in comparisons]
    date = next((n for n in compared if n in specs and specs[n].kind == "date"
                 and specs[n].salt is None and specs[n].source is None), None)
    name = next((n for n in compared if n in specs and specs[n].kind == "name"
                 and specs[n].source is None), None)
    if date is None or name is None:
        return None
    if len(left) == 0:
        return TwinLikePairs(date, name, 0)
    wanted = [c for c in comparisons if c.field in (date, name)]
    levels = compare_pairs(ds, ds, np.asarray(left, np.int64), np.asarray(right, np.int64),
                           wanted)
    by_field = {c.field: j for j, c in enumerate(wanted)}
    name_comp = wanted[by_field[name]]
    lowest = name_comp.n_levels - 1
    like = (levels[:, by_field[date]] == EXACT_LEVEL) & (levels[:, by_field[name]] == lowest)
    return TwinLikePairs(date, name, int(like.sum()))
