"""The audit counts each record's mates in the file's salt families and the components they chain
into (what group attacks read), from the file alone, as counts and shares."""

from __future__ import annotations

import pandas as pd
import pytest

from linkcore.audit.exposure import exposure_line, salt_exposure, salt_families
from linkcore.audit.run import run_audit
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.schema import Mapping, Schema

KEY = Secret(bytes(range(32)))
EXACT = {"tokens": {"type": "exact"}, "filter_bits": 128, "k": 30,
         "comparison": {"thresholds": []}}


def schema(views: bool = True) -> Schema:
    fields = [{"name": "first_name", "kind": "name",
               "salt": {"field": "date_of_birth", "transform": "value"}},
              {"name": "date_of_birth", "kind": "date", **EXACT},
              {"name": "postcode", "kind": "postcode", **EXACT}]
    if views:
        fields.append({"name": "first_name_by_pc", "kind": "name", "source": "first_name",
                       "salt": {"field": "postcode", "transform": "value"}})
    return Schema.from_dict({"linkcore_schema": 3, "fields": fields})


#: r0-r1 share a date; r1-r2 a postcode; r3 and r4 share a date; r5 is alone.
TABLE = pd.DataFrame({
    "id": ["r0", "r1", "r2", "r3", "r4", "r5"],
    "first_name": ["anna", "ben", "cara", "dev", "ella", "finn"],
    "date_of_birth": ["1980-01-01", "1980-01-01", "1990-02-02", "1970-03-03", "1970-03-03",
                      "1960-04-04"],
    "postcode": ["CV1 1AA", "CV2 2BB", "CV2 2BB", "CV3 3CC", "CV4 4DD", "CV5 5EE"]})


def test_mates_and_chained_components_are_counted():
    sch = schema()
    assert [s.field for s in salt_families(sch)] == ["date_of_birth", "postcode"]
    out = salt_exposure(sch, encode(TABLE, sch, KEY, Mapping.identity(sch)))
    # mates: r0 1, r1 2 (a date and a postcode), r2 1, r3 1, r4 1, r5 0
    assert out["salt_families"] == 2 and out["records"] == 6
    assert out["mates_0"] == pytest.approx(1 / 6)
    assert out["mates_1"] == pytest.approx(4 / 6)
    assert out["mates_2_to_3"] == pytest.approx(1 / 6)
    assert out["mates_4_or_more"] == 0
    # components: {r0, r1, r2} chained through r1, {r3, r4}, {r5}
    assert out["largest_component"] == 3
    assert out["in_components_of_2_or_more"] == pytest.approx(5 / 6)
    assert out["in_components_of_5_or_more"] == 0


def test_one_family_and_no_family():
    sch = schema(views=False)
    out = salt_exposure(sch, encode(TABLE, sch, KEY, Mapping.identity(sch)))
    assert out["salt_families"] == 1 and out["largest_component"] == 2
    unsalted = Schema.from_dict({"linkcore_schema": 3, "fields": [
        {"name": "first_name", "kind": "name", "salt": None}]})
    plain = salt_exposure(unsalted, encode(TABLE[["id", "first_name"]], unsalted, KEY,
                                           Mapping.identity(unsalted)))
    assert plain == {"records": 6, "salt_families": 0}
    assert "no salted multi-token field" in exposure_line(plain)


def test_the_audit_reports_exposure_without_a_value():
    sch = schema()
    result = run_audit(TABLE, sch, Mapping.identity(sch), KEY, pd.concat([TABLE] * 3),
                       attacks=("frequency",), attacker_key=Secret(bytes(range(1, 33))))
    assert result.exposure["largest_component"] == 3
    assert result.as_dict()["exposure"] == result.exposure
    line = next(x for x in result.summary_lines() if x.startswith("exposure:"))
    assert "2 salt families" in line and "largest 3" in line
    assert not any(v in line for v in ("anna", "CV1", "1980"))
