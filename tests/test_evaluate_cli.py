import json

import pandas as pd
import pytest
from click.testing import CliRunner

from linkcore.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def files(tmp_path):
    truth = pd.DataFrame({"id_a": ["a1", "a2", "a3", "a4"], "id_b": ["b1", "b2", "b3", "b4"]})
    matches = pd.DataFrame(
        {
            "id_a": ["a1", "a2", "a3", "a5"],
            "id_b": ["b1", "b2", "b9", "b5"],
            "probability": [0.95, 0.7, 0.6, 0.3],
        }
    )
    truth.to_csv(tmp_path / "truth.csv", index=False)
    matches.to_csv(tmp_path / "matches.csv", index=False)
    pd.DataFrame({"rec_id": ["a1", "a2", "a3", "a4", "a5"], "x": 1}).to_csv(
        tmp_path / "A.csv", index=False
    )
    pd.DataFrame({"record_id": ["b1", "b2", "b3", "b4", "b5", "b9"]}).to_csv(
        tmp_path / "B.csv", index=False
    )
    return tmp_path


def test_text_report(files):
    res = run("evaluate", files / "matches.csv", "--truth", files / "truth.csv")
    assert res.exit_code == 0, res.output
    assert "precision 0.5000  recall 0.5000  f1 0.5000" in res.output
    assert "tp 2  fp 2  fn 2" in res.output
    assert "best F1 0.6667 at probability >= 0.7" in res.output
    assert "among the file's pairs, the lowest at 0.3: to look below it, link with a lower "\
        "--threshold" in res.output


def test_json_threshold_and_curve(files):
    res = run(
        "evaluate",
        files / "matches.csv",
        "--truth",
        files / "truth.csv",
        "--json",
        "--threshold",
        0.65,
        "--curve",
        files / "curve.csv",
        "--extracts",
        files / "A.csv",
        files / "B.csv",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (out["tp"], out["fp"], out["fn"], out["precision"]) == (2, 0, 2, 1.0)
    assert out["best_f1"]["threshold"] == 0.7
    curve = pd.read_csv(files / "curve.csv")
    assert curve["threshold"].tolist() == [0.3, 0.6, 0.7, 0.95]


def test_clusters_mode(files):
    pd.DataFrame(
        {"agency": [1, 2, 1, 2], "id": ["a1", "b1", "a2", "b3"], "cluster": [0, 0, 1, 1]}
    ).to_csv(files / "clusters.csv", index=False)
    res = run("evaluate", files / "clusters.csv", "--truth", files / "truth.csv", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["mode"] == "clusters" and (out["tp"], out["fp"], out["fn"]) == (1, 1, 3)


def test_perfect_synthetic_round_trip(tmp_path):
    assert run("synth", "--people", 600, "-o", tmp_path, "-q").exit_code == 0
    res = run(
        "evaluate",
        tmp_path / "truth.csv",
        "--truth",
        tmp_path / "truth.csv",
        "--json",
        "--extracts",
        tmp_path / "agency_1.csv",
        tmp_path / "agency_2.csv",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["f1"] == 1.0


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        (
            lambda d: pd.DataFrame({"left": ["a1"], "right": ["b1"]}).to_csv(
                d / "bad_truth.csv", index=False
            ),
            ["--truth-file", "bad_truth.csv"],
            "truth file",
        ),
        (
            lambda d: pd.DataFrame({"id_a": ["a1"]}).to_csv(d / "bad_m.csv", index=False),
            ["--matches-file", "bad_m.csv"],
            "lacks column",
        ),
        (
            lambda d: pd.DataFrame({"id_a": ["zz"], "id_b": ["yy"]}).to_csv(
                d / "bad_m.csv", index=False
            ),
            ["--matches-file", "bad_m.csv"],
            "same linkage",
        ),
        (
            lambda d: pd.DataFrame({"id_a": ["a1", "a9"], "id_b": ["b1", "b1"]}).to_csv(
                d / "bad_m.csv", index=False
            ),
            ["--matches-file", "bad_m.csv", "--extracts"],
            "not in the first extract",
        ),
        (lambda d: None, ["--threshold", "2"], "threshold"),
        (lambda d: None, ["--matches-file", "missing.csv"], "not found"),
        (
            lambda d: pd.DataFrame(
                {"id_a": ["a1"], "id_b": ["b1"], "probability": ["high"]}
            ).to_csv(d / "bad_m.csv", index=False),
            ["--matches-file", "bad_m.csv", "--threshold", "0.5"],
            "probability",
        ),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(files, make, extra, message):
    make(files)
    matches, truth = files / "matches.csv", files / "truth.csv"
    args = []
    i = 0
    while i < len(extra):
        if extra[i] == "--truth-file":
            truth = files / extra[i + 1]
            i += 2
        elif extra[i] == "--matches-file":
            matches = files / extra[i + 1]
            i += 2
        elif extra[i] == "--extracts":
            args += ["--extracts", files / "A.csv", files / "B.csv"]
            i += 1
        else:
            args.append(extra[i])
            i += 1
    before = sorted(p.name for p in files.iterdir())
    res = run("evaluate", matches, "--truth", truth, "--curve", files / "curve.csv", *args)
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and message in res.output
    assert "Traceback" not in res.output
    assert sorted(p.name for p in files.iterdir()) == before  # no curve file, nothing else


def test_clusters_with_person_ids_get_every_cluster_measure(files):
    pd.DataFrame({"agency": ["1", "1", "2"], "id": ["a1", "a9", "b1"],
                  "person": ["p", "p", "p"]}).to_csv(files / "people.csv", index=False)
    pd.DataFrame({"agency": ["1", "1", "2"], "id": ["a1", "a9", "b1"],
                  "cluster": [0, 0, 0]}).to_csv(files / "truth_clusters.csv", index=False)
    res = run("evaluate", files / "people.csv", "--truth", files / "truth_clusters.csv",
              "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["mode"] == "clusters" and out["within"]["tp"] == 1 and out["across"]["tp"] == 2
    assert out["bcubed_f1"] == out["exact_share"] == 1.0
    text = run("evaluate", files / "people.csv", "--truth", files / "truth_clusters.csv")
    assert "within agency" in text.output and "B-cubed" in text.output


def test_calibration_table_in_text_and_json(files):
    res = run("evaluate", files / "matches.csv", "--truth", files / "truth.csv")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("calibration among"))
    # bands 0.3-0.4 (a5-b5, false), 0.6-0.7 (a3-b9, false), 0.7-0.8 (a2-b2), 0.9-1.0 (a1-b1)
    assert lines[at + 1].startswith("  0.3-0.4:         1 pairs  mean 0.300  true 0.000  -0.300")
    assert lines[at + 1].endswith("off, within chance")
    assert lines[at + 4].startswith("  0.9-1.0:         1 pairs  mean 0.950  true 1.000  +0.050")
    assert not lines[at + 4].endswith("chance")  # 0.05 is within the tolerance
    assert lines[at + 5] == "3 of 4 band(s) off by more than 0.05 (0 beyond chance's spread)"
    res = run("evaluate", files / "matches.csv", "--truth", files / "truth.csv", "--json")
    bands = json.loads(res.output)["calibration"]
    assert [b["low"] for b in bands] == [0.3, 0.6, 0.7, 0.9]
    assert bands[1] == pytest.approx({"low": 0.6, "high": 0.7, "pairs": 1,
                                      "mean_probability": 0.6, "true_share": 0.0,
                                      "difference": -0.6, "spread": 2 * (0.6 * 0.4) ** 0.5})


def test_no_calibration_without_probabilities(files):
    pd.read_csv(files / "matches.csv").drop(columns="probability").to_csv(
        files / "plain.csv", index=False)
    res = run("evaluate", files / "plain.csv", "--truth", files / "truth.csv")
    assert res.exit_code == 0, res.output
    assert "calibration" not in res.output
    assert "calibration" not in json.loads(run("evaluate", files / "plain.csv", "--truth",
                                               files / "truth.csv", "--json").output)


def test_clusters_missing_records_of_the_truth_are_named(tmp_path):
    """Regression: a store's clusters after a withdrawal scored the gone records as missed,
    silently (the records line counted the truth's records as the file's)."""
    pd.DataFrame({"agency": ["a", "a", "b"], "id": ["1", "2", "1"],
                  "person": ["p", "q", "p"]}).to_csv(tmp_path / "people.csv", index=False)
    pd.DataFrame({"agency": ["a", "a", "b", "b"], "id": ["1", "2", "1", "2"],
                  "cluster": [0, 1, 0, 1]}).to_csv(tmp_path / "truth.csv", index=False)
    res = run("evaluate", tmp_path / "people.csv", "--truth", tmp_path / "truth.csv")
    assert res.exit_code == 0, res.output
    assert "note: 1 record(s) of the truth are not in the clusters" in res.output
    assert "recall 0.5000" in res.output


def test_the_truth_count_is_of_distinct_pairs(files):
    """Regression: a truth listing pairs twice printed its rows as pairs."""
    truth = pd.read_csv(files / "truth.csv")
    pd.concat([truth, truth.head(2)]).to_csv(files / "twice.csv", index=False)
    res = run("evaluate", files / "matches.csv", "--truth", files / "twice.csv")
    assert res.exit_code == 0, res.output
    assert "truth: 4 pairs" in res.output


def test_clusters_with_no_pairs_of_a_kind_print_n_a(tmp_path):
    """Regression: no pair within an agency printed precision 1.0000, recall 0.0000 for it."""
    pd.DataFrame({"agency": ["a", "a", "b"], "id": ["1", "2", "1"],
                  "person": ["p", "q", "p"]}).to_csv(tmp_path / "people.csv", index=False)
    pd.DataFrame({"agency": ["a", "a", "b"], "id": ["1", "2", "1"],
                  "cluster": [0, 1, 0]}).to_csv(tmp_path / "truth.csv", index=False)
    res = run("evaluate", tmp_path / "people.csv", "--truth", tmp_path / "truth.csv")
    assert res.exit_code == 0, res.output
    within = next(line for line in res.output.splitlines() if line.startswith("within agency"))
    assert "precision n/a  recall n/a  f1 n/a  (tp 0  fp 0  fn 0)" in within
    across = next(line for line in res.output.splitlines() if line.startswith("across"))
    assert "precision 1.0000  recall 1.0000  f1 1.0000" in across


def test_one_files_clusters_score_against_plain_pairs_and_an_empty_truth(tmp_path):
    """A dedupe's clusters (one agency) against id_a,id_b pairs, in either order, and against a
    truth of no pairs (a file with no duplicates): helper-66 and helper-68 were refused both."""
    clusters = pd.DataFrame({"agency": "housing", "id": ["h1", "h2", "h3", "h4", "h5"],
                             "person": ["p", "p", "q", "r", "r"]})
    clusters.to_csv(tmp_path / "clusters.csv", index=False)
    pd.DataFrame({"id_a": ["h2", "h3"], "id_b": ["h1", "h4"]}).to_csv(tmp_path / "t.csv",
                                                                      index=False)
    res = run("evaluate", tmp_path / "clusters.csv", "--truth", tmp_path / "t.csv")
    assert res.exit_code == 0, res.output
    assert "within agency    precision 0.5000  recall 0.5000" in res.output  # h1-h2 found
    (tmp_path / "none.csv").write_text("id_a,id_b\n")
    res = run("evaluate", tmp_path / "clusters.csv", "--truth", tmp_path / "none.csv")
    assert res.exit_code == 0, res.output
    assert "precision 0.0000  recall n/a" in res.output and "tp 0  fp 2  fn 0" in res.output
    res = run("evaluate", tmp_path / "clusters.csv", "--truth", tmp_path / "t.csv",
              "--threshold", "0.5")
    assert res.exit_code == 2 and "--threshold applies to a table of pairs" in res.output
