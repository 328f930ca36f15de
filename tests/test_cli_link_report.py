"""`linkcore link --report` writes the offline HTML report beside the matches."""

import re

import pandas as pd
from click.testing import CliRunner
from keybytes import key_bytes

from linkcore.cli import main
from linkcore.holder.encode import encode
from linkcore.holder.keys import Secret
from linkcore.holder.suggest import suggest_mapping, suggest_schema
from linkcore.synth import generate_population, make_extracts


def test_link_writes_report(tmp_path):
    people = generate_population(1500, seed=3)
    (a, b), _truth = make_extracts(people, agencies=2, overlap=0.5, profile="clean", seed=3)
    schema, mapping_a, _ = suggest_schema(a)
    mapping_b, _ = suggest_mapping(b, schema)
    secret = Secret(key_bytes("\x05"))
    encode(a, schema, secret, mapping_a).write(tmp_path / "a.parquet")
    encode(b, schema, secret, mapping_b).write(tmp_path / "b.parquet")
    result = CliRunner().invoke(main, ["link", str(tmp_path / "a.parquet"),
                                       str(tmp_path / "b.parquet"), "-o",
                                       str(tmp_path / "m.csv"), "--report",
                                       str(tmp_path / "r.html"), "--quiet"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    fetches = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert fetches == [] and "@import" not in html  # nothing loaded from the network
    matches = pd.read_csv(tmp_path / "m.csv", dtype=str)
    assert len(matches) > 300
    names = set(a.iloc[:, 1].dropna().astype(str)) - {""}
    assert not any(f">{n}<" in html for n in names)
