"""Every command's file rule (cli/paths.py): collisions, --force, all-or-nothing, stale partials.

For every command and every pair of its path options (inputs, the key, outputs), naming one file
twice is refused with exit 2 and one line, even with --force, and every file stays byte for byte
as it was. An existing output is replaced only with --force. A run whose later output cannot be
put in place leaves nothing of its own (and restores what --force replaced); a killed run's
partials are removed by the next run that writes the same output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from linkcore._io import _host_tag, atomic_path, write_text_atomic
from linkcore.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(res, code: int = 2) -> str:
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert lines[0].startswith("error: ")
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder``: file bytes (None for folders), by relative path."""
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """A small workspace with every kind of file the commands read: data, key, schema, mappings,
    encoded files, matches, a model and the truth."""
    d = tmp_path_factory.mktemp("ws")
    data = d / "data"
    steps = [
        ("synth", "--people", 200, "--seed", 1, "-o", data),
        ("keygen", "-o", d / "k.key"),
        ("schema", "suggest", data / "agency_1.csv", "-o", d / "s.json",
         "--mapping-out", d / "m1.json"),
        ("schema", "suggest", data / "agency_2.csv", "--schema", d / "s.json",
         "-o", d / "m2.json"),
        ("encode", data / "agency_1.csv", "--schema", d / "s.json", "--mapping", d / "m1.json",
         "--key-file", d / "k.key", "-o", d / "a.parquet"),
        ("encode", data / "agency_2.csv", "--schema", d / "s.json", "--mapping", d / "m2.json",
         "--key-file", d / "k.key", "-o", d / "b.parquet"),
        ("link", d / "a.parquet", d / "b.parquet", "-o", d / "m.csv",
         "--model-out", d / "model.json"),
    ]
    for step in steps:
        res = run(*step, "-q")
        assert res.exit_code == 0, (step, res.output)
    return d


# Each command: its arguments from a role -> path map, the default path of each role (relative
# to the workspace) and which roles are outputs.
COMMANDS = {
    "encode": (
        lambda p: ["encode", p["INPUT"], "--schema", p["--schema"], "--mapping", p["--mapping"],
                   "--key-file", p["--key-file"], "-o", p["-o"]],
        {"INPUT": "data/agency_1.csv", "--schema": "s.json", "--mapping": "m1.json",
         "--key-file": "k.key", "-o": "new.parquet"},
        ["-o"],
    ),
    "audit": (
        lambda p: ["audit", p["DATA"], "--schema", p["--schema"], "--mapping", p["--mapping"],
                   "--key-file", p["--key-file"], "--reference", p["--reference"],
                   "--reference-mapping", p["--reference-mapping"], "--report", p["--report"]],
        {"DATA": "data/agency_1.csv", "--schema": "s.json", "--mapping": "m1.json",
         "--key-file": "k.key", "--reference": "data/agency_2.csv",
         "--reference-mapping": "m2.json", "--report": "new.html"},
        ["--report"],
    ),
    "link": (
        lambda p: ["link", p["FILE_A"], p["FILE_B"], "--model", p["--model"], "-o", p["-o"],
                   "--report", p["--report"], "--model-out", p["--model-out"]],
        {"FILE_A": "a.parquet", "FILE_B": "b.parquet", "--model": "model.json",
         "-o": "new.csv", "--report": "new.html", "--model-out": "new_model.json"},
        ["-o", "--report", "--model-out"],
    ),
    "evaluate": (
        lambda p: ["evaluate", p["MATCHES"], "--truth", p["--truth"], "--extracts",
                   p["--extracts A"], p["--extracts B"], "--curve", p["--curve"]],
        {"MATCHES": "m.csv", "--truth": "data/truth.csv", "--extracts A": "data/agency_1.csv",
         "--extracts B": "data/agency_2.csv", "--curve": "new_curve.csv"},
        ["--curve"],
    ),
    "schema suggest": (
        lambda p: ["schema", "suggest", p["DATA"], "-o", p["-o"],
                   "--mapping-out", p["--mapping-out"]],
        {"DATA": "data/agency_1.csv", "-o": "new_s.json", "--mapping-out": "new_m.json"},
        ["-o", "--mapping-out"],
    ),
    "schema suggest --schema": (
        lambda p: ["schema", "suggest", p["DATA"], "--schema", p["--schema"], "-o", p["-o"]],
        {"DATA": "data/agency_2.csv", "--schema": "s.json", "-o": "new_m2.json"},
        ["-o"],
    ),
}


def collision_cases():
    for name, (_, roles, outputs) in COMMANDS.items():
        seen = set()
        for out in outputs:
            for other in roles:
                pair = frozenset((out, other))
                if other == out or pair in seen:
                    continue
                seen.add(pair)
                yield pytest.param(name, out, other, id=f"{name}:{out}={other}")


@pytest.mark.parametrize(("command", "out", "other"), list(collision_cases()))
def test_every_pair_of_paths_naming_one_file_is_refused(ws, command, out, other):
    build, roles, _ = COMMANDS[command]
    paths = {role: ws / rel for role, rel in roles.items()}
    paths[out] = paths[other]
    before = snapshot(ws)
    line = one_line_error(run(*build(paths), "--force"))  # --force never allows it
    assert out in line
    assert "would overwrite" in line or "name the same file" in line
    assert snapshot(ws) == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_links_to_an_input_or_the_key_are_the_same_file(ws, tmp_path, command):
    build, roles, outputs = COMMANDS[command]
    target_role = "--key-file" if "--key-file" in roles else next(iter(roles))
    for kind in ("symlink", "hardlink"):
        paths = {role: ws / rel for role, rel in roles.items()}
        alias = tmp_path / f"{kind}{Path(roles[outputs[0]]).suffix}"
        if kind == "symlink":
            alias.symlink_to(paths[target_role])
        else:
            os.link(paths[target_role], alias)
        paths[outputs[0]] = alias
        before = snapshot(ws)
        line = one_line_error(run(*build(paths), "--force"))
        assert "would overwrite" in line
        assert snapshot(ws) == before
        alias.unlink()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_output_is_for_its_owner_only(ws, tmp_path, command):
    build, roles, outputs = COMMANDS[command]
    paths = {role: ws / rel for role, rel in roles.items()}
    for role in outputs:
        paths[role] = tmp_path / Path(roles[role]).name
    old_umask = os.umask(0o022)  # a umask that would leave the files readable by everyone
    try:
        res = run(*build(paths), "-q")
    finally:
        os.umask(old_umask)
    assert res.exit_code == 0, res.output
    for role in outputs:
        assert paths[role].stat().st_mode & 0o777 == 0o600, role


def test_synth_tables_are_for_their_owner_only(tmp_path):
    old_umask = os.umask(0o022)
    try:
        res = run("synth", "--people", 50, "--seed", 1, "-o", tmp_path / "d", "-q")
    finally:
        os.umask(old_umask)
    assert res.exit_code == 0, res.output
    assert {f.name: f.stat().st_mode & 0o777 for f in (tmp_path / "d").iterdir()} == {
        f.name: 0o600 for f in (tmp_path / "d").iterdir()}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_folder_output_and_the_folders_made_for_outputs_are_the_owners_only(ws, tmp_path):
    """A partitioned dataset's folder is 0700 (0600 would leave it unreadable to a user who is
    not root) and every file in it 0600, its manifest too; folders made for outputs are 0700."""
    old_umask = os.umask(0o022)
    try:
        res = run("encode", ws / "data/agency_1.csv", "--schema", ws / "s.json",
                  "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
                  "-o", tmp_path / "a.parts", "--partitions", 2, "-q")
        assert res.exit_code == 0, res.output
        res = run("link", ws / "a.parquet", ws / "b.parquet", "-o",
                  tmp_path / "made" / "sub" / "m.csv", "-q")
        assert res.exit_code == 0, res.output
    finally:
        os.umask(old_umask)
    parts = tmp_path / "a.parts"
    assert parts.stat().st_mode & 0o777 == 0o700
    inside = list(parts.rglob("*"))
    assert any(f.name == "manifest.json" for f in inside)
    assert {f.stat().st_mode & 0o777 for f in inside if f.is_file()} == {0o600}
    assert (tmp_path / "made").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "made" / "sub").stat().st_mode & 0o777 == 0o700
    assert run("link", parts, ws / "b.parquet", "-o", tmp_path / "p.csv", "-q").exit_code == 0


# --------------------------------------------------------------------------- --force

FORCE_CASES = {
    "keygen": lambda ws, out: ["keygen", "-o", out],
    "encode": lambda ws, out: ["encode", ws / "data/agency_1.csv", "--schema", ws / "s.json",
                               "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
                               "-o", out],
    "audit": lambda ws, out: ["audit", ws / "data/agency_1.csv", "--schema", ws / "s.json",
                              "--mapping", ws / "m1.json", "--key-file", ws / "k.key",
                              "--reference", ws / "data/agency_2.csv", "--reference-mapping",
                              ws / "m2.json", "--report", out],
    "link": lambda ws, out: ["link", ws / "a.parquet", ws / "b.parquet", "-o", out],
    "evaluate": lambda ws, out: ["evaluate", ws / "m.csv", "--truth", ws / "data/truth.csv",
                                 "--curve", out],
    "schema suggest --schema": lambda ws, out: ["schema", "suggest", ws / "data/agency_2.csv",
                                                "--schema", ws / "s.json", "-o", out],
}
SUFFIX = {"keygen": ".key", "encode": ".parquet", "audit": ".html", "link": ".csv",
          "evaluate": ".csv", "schema suggest --schema": ".json"}


@pytest.mark.parametrize("command", list(FORCE_CASES))
def test_an_existing_output_is_replaced_only_with_force(ws, tmp_path, command):
    out = tmp_path / f"existing{SUFFIX[command]}"
    if command == "keygen":  # keygen replaces only a key (test_cli_bad_input_sweep.py)
        assert run("keygen", "-o", out, "-q").exit_code == 0
    else:
        out.write_bytes(b"old contents\n")
    old = out.read_bytes()
    args = FORCE_CASES[command](ws, out)
    line = one_line_error(run(*args))
    assert "already exists" in line and "--force" in line
    assert out.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    res = run(*args, "--force", "-q")
    assert res.exit_code == 0, res.output
    assert out.read_bytes() != old
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no partial left


def test_schema_suggest_needs_force_for_either_output(ws, tmp_path):
    s, m = tmp_path / "s.json", tmp_path / "m.json"
    m.write_text("old")
    line = one_line_error(run("schema", "suggest", ws / "data/agency_1.csv", "-o", s,
                              "--mapping-out", m))
    assert "--mapping-out" in line and "--force" in line
    assert not s.exists() and m.read_text() == "old"


def test_synth_refuses_to_replace_its_files_without_force(tmp_path):
    out = tmp_path / "data"
    assert run("synth", "--people", 200, "-o", out, "-q").exit_code == 0
    (out / "truth.csv").write_text("my own truth\n")
    before = snapshot(out)
    line = one_line_error(run("synth", "--people", 200, "--seed", 9, "-o", out))
    assert "--force" in line
    assert snapshot(out) == before
    res = run("synth", "--people", 200, "--seed", 9, "-o", out, "--force", "-q")
    assert res.exit_code == 0, res.output
    assert (out / "truth.csv").read_text() != "my own truth\n"
    assert sorted(p.name for p in out.iterdir()) == ["agency_1.csv", "agency_2.csv",
                                                     "manifest.json", "register.csv",
                                                     "truth.csv", "truth_clusters.csv"]


def test_an_output_inside_an_input_folder_is_refused(tmp_path):
    folder = tmp_path / "encoded"
    folder.mkdir()
    (folder / "part.parquet").write_bytes(b"x")
    before = snapshot(tmp_path)
    line = one_line_error(run("link", folder, folder / "part.parquet", "-o",
                              folder / "m.csv"))
    assert "inside the input FILE_A" in line
    assert snapshot(tmp_path) == before


def test_an_unwritable_output_is_refused_before_any_work(ws, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    line = one_line_error(run("link", ws / "a.parquet", ws / "b.parquet", "-o",
                              tmp_path / "m.csv", "--report", blocker / "sub" / "r.html"))
    assert "cannot write --report" in line and "not a folder" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_a_missing_output_folder_is_made_and_removed_again_on_failure(ws, tmp_path,
                                                                     monkeypatch):
    from linkcore.linkage import pipeline

    def boom(*args, **kwargs):
        raise ValueError("simulated bug")

    monkeypatch.setattr(pipeline, "link", boom)
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", tmp_path / "new" / "deep" / "m.csv")
    assert res.exit_code == 1
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- all or nothing

def _fail_rename_of(name: str, monkeypatch, folder: Path, exc: BaseException):
    """Make the rename of ``folder/name`` into place fail (the staged writes still work)."""
    real = os.replace

    def fake(src, dst, *args, **kwargs):
        if Path(dst) == folder / name:
            if isinstance(exc, KeyboardInterrupt):
                real(src, dst, *args, **kwargs)  # interrupted just after this rename
            raise exc
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", fake)


def _link_all(ws, out: Path, *extra):
    return run("link", ws / "a.parquet", ws / "b.parquet", "-o", out / "m.csv",
               "--report", out / "r.html", "--model-out", out / "model.json", "-q", *extra)


def test_a_failed_second_output_leaves_nothing_from_the_run(ws, tmp_path, monkeypatch):
    _fail_rename_of("r.html", monkeypatch, tmp_path, PermissionError(13, "Permission denied"))
    line = one_line_error(_link_all(ws, tmp_path))
    assert "cannot write --report" in line and "nothing was written" in line
    assert list(tmp_path.iterdir()) == []  # no matches, no model, no staging folder


def test_a_failed_second_output_restores_what_force_replaced(ws, tmp_path, monkeypatch):
    for name in ("m.csv", "r.html", "model.json"):
        (tmp_path / name).write_text(f"old {name}")
    before = snapshot(tmp_path)
    _fail_rename_of("r.html", monkeypatch, tmp_path, PermissionError(13, "Permission denied"))
    one_line_error(_link_all(ws, tmp_path, "--force"))
    assert snapshot(tmp_path) == before


def test_interrupted_commit_is_rolled_back_and_says_so(ws, tmp_path, monkeypatch):
    (tmp_path / "m.csv").write_text("old matches")
    before = snapshot(tmp_path)
    _fail_rename_of("r.html", monkeypatch, tmp_path, KeyboardInterrupt())
    line = one_line_error(_link_all(ws, tmp_path, "--force"), code=130)
    assert line == "error: interrupted; no output was written"
    assert snapshot(tmp_path) == before


def test_interrupt_after_the_outputs_are_in_place_names_them(tmp_path, monkeypatch):
    from linkcore.holder.keys import Secret

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Secret, "key_check_value", interrupted)  # runs after the commit
    out = tmp_path / "k.key"
    line = one_line_error(run("keygen", "-o", out), code=130)
    assert line == f"error: interrupted after writing {out}"
    assert out.exists()


# --------------------------------------------------------------------------- stale partials

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_of_the_same_output_are_removed(ws, tmp_path):
    out = tmp_path / "m.csv"
    dead, host = _dead_pid(), _host_tag()
    stale_file = tmp_path / f".m.csv.{dead}@{host}.abc123.partial"
    stale_dir = tmp_path / f".m.csv.{dead}@{host}.xyz789.partial"
    stale_file.write_text("half")
    stale_dir.mkdir()
    (stale_dir / "m.csv").write_text("half")
    kept = [tmp_path / f".m.csv.{os.getpid()}@{host}.live12.partial",  # a live writer
            tmp_path / f".m.csv.{dead}@00000000.other1.partial",      # another machine
            tmp_path / ".m.csv.oldstyle.partial",                     # no owner in the name
            tmp_path / f".other.csv.{dead}@{host}.abc123.partial"]    # another output
    for k in kept:
        k.write_text("keep")
    res = run("link", ws / "a.parquet", ws / "b.parquet", "-o", out, "-q")
    assert res.exit_code == 0, res.output
    assert not stale_file.exists() and not stale_dir.exists()
    assert all(k.exists() for k in kept)


KILLED_WRITER = """
import sys
from linkcore.cli.paths import RunOutputs
out = RunOutputs({"-o": sys.argv[1]}).__enter__()
out.path("-o").write_text("half written")
print(out.path("-o").parent, flush=True)
sys.stdin.read()
"""

KILLED_LIBRARY_WRITER = """
import sys
from linkcore._io import atomic_path
with atomic_path(sys.argv[1]) as tmp:
    tmp.write_text("half written")
    print(tmp, flush=True)
    sys.stdin.read()
"""


def _kill_mid_write(script: str, target: Path) -> Path:
    """Start a writer, let it stage its partial, SIGKILL it; return the partial it left."""
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    partial = Path(proc.stdout.readline().strip())
    proc.kill()
    proc.wait()
    proc.stdin.close()
    proc.stdout.close()
    assert partial.exists() and partial.name.endswith(".partial")
    return partial


def test_sigkill_partials_are_cleaned_by_the_next_cli_run(tmp_path):
    target = tmp_path / "k.key"
    partial = _kill_mid_write(KILLED_WRITER, target)
    assert run("keygen", "-o", target, "-q").exit_code == 0
    assert not partial.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.key"]


def test_sigkill_partials_are_cleaned_by_the_next_library_write(tmp_path):
    target = tmp_path / "notes.txt"
    partial = _kill_mid_write(KILLED_LIBRARY_WRITER, target)
    write_text_atomic(target, "done")
    assert not partial.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_atomic_path_names_its_partial_with_pid_and_host(tmp_path):
    with atomic_path(tmp_path / "x.txt") as tmp:
        assert tmp.name.startswith(f".x.txt.{os.getpid()}@{_host_tag()}.")
        assert tmp.name.endswith(".partial")
        tmp.write_text("x")
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


# --------------------------------------------------------------------------- demo

@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Two demo runs with one seed: one into the default folder (a fresh temporary one), one into
    an explicit folder; the current directory stays empty."""
    base = tmp_path_factory.mktemp("demo")
    cwd, tmp = base / "cwd", base / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    old_cwd, old_tempdir = Path.cwd(), tempfile.tempdir
    os.chdir(cwd)
    tempfile.tempdir = str(tmp)
    try:
        first = run("demo", "--people", 300, "--seed", 5)
    finally:
        os.chdir(old_cwd)
        tempfile.tempdir = old_tempdir
    assert first.exit_code == 0, first.output
    second = run("demo", "--people", 300, "--seed", 5, "--out", base / "explicit", "-q")
    assert second.exit_code == 0, second.output
    (default_out,) = list(tmp.iterdir())
    return {"cwd": cwd, "default": default_out, "explicit": base / "explicit",
            "output": first.output}


def test_demo_default_output_is_a_new_temporary_folder(demo_runs):
    assert list(demo_runs["cwd"].iterdir()) == []
    assert demo_runs["default"].name.startswith("linkcore-demo-")
    assert str(demo_runs["default"]) in demo_runs["output"]


def test_demo_same_seed_gives_identical_matches_and_a_marked_demo_key(demo_runs):
    a, b = demo_runs["default"], demo_runs["explicit"]
    assert (a / "matches.csv").read_bytes() == (b / "matches.csv").read_bytes()
    assert (a / "shared.key").read_bytes() == (b / "shared.key").read_bytes()
    assert (a / "shared.key").read_text().startswith("# DEMO KEY")
    assert "DEMO key" in demo_runs["output"]
    from linkcore.holder.keys import Secret

    Secret.from_file(a / "shared.key")  # the comment line does not stop it being read


def test_demo_refuses_to_replace_its_files_without_force(demo_runs):
    out = demo_runs["explicit"]
    (out / "shared.key").write_text("my real key\n")
    before = snapshot(out)
    line = one_line_error(run("demo", "--people", 300, "--seed", 6, "--out", out))
    assert "--force" in line
    assert snapshot(out) == before
    res = run("demo", "--people", 300, "--seed", 6, "--out", out, "--force", "-q")
    assert res.exit_code == 0, res.output
    assert (out / "shared.key").read_text().startswith("# DEMO KEY")
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_demo_into_an_unwritable_place_is_one_line(tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    line = one_line_error(run("demo", "--people", 200, "--out", blocker / "demo"))
    assert "not a folder" in line
    read_only = tmp_path / "ro"
    read_only.mkdir()
    real_access = os.access

    def read_only_access(path, mode, *args, **kwargs):  # what a read-only folder answers
        return False if mode & os.W_OK else real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", read_only_access)
    line = one_line_error(run("demo", "--people", 200, "--out", read_only))
    assert "not writable" in line
    assert list(read_only.iterdir()) == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_demo_into_a_read_only_folder(tmp_path):
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        line = one_line_error(run("demo", "--people", 200, "--out", read_only))
        assert "not writable" in line
    finally:
        read_only.chmod(0o755)
