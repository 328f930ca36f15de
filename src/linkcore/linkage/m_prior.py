"""m of a field that no training session can identify: held at a stated prior, not fitted.

EM tells matches from non-matches in a training block by the fields that agree, or not,
together. Where a field disagrees and no other field of the session has a level (every other
compared field is gated on it, missing, or left out of the session), the pair says nothing but
"this field differs": only λ·m[exact] is fixed by the data, and how it splits into the block's
match share λ and the field's m[exact] stays wherever EM started. Under one salt family this is
the date of birth in the postcode session: every name is salted with it, so a pair whose dates
differ has no name to compare, and a mistyped date cannot be told from a housemate. On the
held-out pair of seed 7 EM left m(date differs) at its starting 0.275 (the truth among the true
pairs with both dates: 0.091), which put the session's match count, the estimated matches over
all pairs and every probability in the middle too high (docs/parameters.md, "m held at a prior").

Such a field's m is held at ``prior_m`` in the sessions where it is not identified (so the
session's λ follows from the data), and, when no session identifies it, that prior is its m.
The prior is a stated assumption, recorded in ``model.training["m_prior"]``: a field agrees
exactly in ``PRIOR_EXACT`` of the true pairs that hold it on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from linkcore.linkage.levels import EXACT_LEVEL, MISSING_LEVEL

#: Share of true pairs, holding the field on both sides, whose values agree exactly (assumed).
PRIOR_EXACT = 0.95
#: A field is identified in a session when at least this share of its non-exact pairs carry
#: a level of another field of the session.
MIN_EVIDENCE_SHARE = 0.01
#: The prior's levels below ``exact`` decay geometrically by this ratio.
DECAY = 0.35


def unidentified_fields(levels: np.ndarray, fields: Sequence[str],
                        excluded: Sequence[str]) -> list[str]:
    """Fields outside ``excluded`` whose non-exact pairs in ``levels`` carry no other evidence."""
    present = levels != MISSING_LEVEL
    for f in excluded:
        present[:, fields.index(f)] = False
    n_present = present.sum(axis=1)
    out = []
    for j, name in enumerate(fields):
        if name in excluded:
            continue
        differs = levels[:, j] > EXACT_LEVEL
        n_differs = int(differs.sum())
        if n_differs == 0:
            continue
        with_evidence = int((differs & (n_present > 1)).sum())
        if with_evidence < MIN_EVIDENCE_SHARE * n_differs:
            out.append(name)
    return out


def prior_m(n_levels: int) -> list[float]:
    """Return the prior m over the non-missing levels: ``PRIOR_EXACT`` at exact, then decaying."""
    if n_levels < 3:
        return [1.0]
    rest = DECAY ** np.arange(n_levels - 2, dtype=np.float64)
    rest = (1 - PRIOR_EXACT) * rest / rest.sum()
    return [PRIOR_EXACT, *(float(x) for x in rest)]
