"""Every command in README.md and docs/*.md runs exactly as written, and succeeds.

Each page's fenced blocks run in the order they appear, in a fresh empty directory per page:

- a ```bash block runs with ``bash -e -o pipefail`` (so every command in it must exit 0), with
  this environment's ``linkcore`` entry point first on PATH, and HOME and TMPDIR inside the
  directory (the demo's default output folder is a new one under TMPDIR);
- the ```python blocks of a page run in one Python process (they share one session, as api.md
  says), each after the shell blocks above it.

Only two things are not run, both visible in the page itself:

- an install command: a line starting ``pip install`` is dropped, and ``pip install X && rest``
  runs ``rest`` (this suite runs after the install);
- a block whose fence is directly preceded by a ``<!-- not-run: REASON -->`` comment (a command
  that takes minutes or would run this suite itself); at most MAX_NOT_RUN such blocks in all.

Illustrative output and synopses are fenced ```text; every fence must name its language, so a
command cannot hide in an unlabelled block.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LANGUAGES = {"bash", "python", "text", "json"}
RUN = {"bash", "python"}
MAX_NOT_RUN = 3
BLOCK_TIMEOUT = 300  # seconds; a hung command fails instead of hanging the suite

FENCE = re.compile(r"^( *)```(\S*)\s*$")
NOT_RUN = re.compile(r"^<!-- not-run: (\S.*\S) -->$")
INSTALL = re.compile(r"^\s*pip install\b[^&]*(?:&&\s*(.*))?$")


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its language, text, first line and any not-run reason."""

    page: Path
    language: str
    text: str
    line: int
    not_run: str | None


def blocks(page: Path) -> list[Block]:
    """Fenced blocks of a page, in order; a fence indented inside a list item counts too.

    A fence opens with ``` at some indentation and closes with ``` alone at the same one; the
    block's lines lose that indentation.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, indent = i, m.group(1)
        end = next((j for j in range(i + 1, len(lines)) if lines[j] == indent + "```"), None)
        assert end is not None, f"{page.name}:{start + 1}: unclosed code fence"
        marker = NOT_RUN.match(lines[start - 1].strip()) if start else None
        body = [line[len(indent):] if line.startswith(indent) else line
                for line in lines[start + 1:end]]
        out.append(Block(page, m.group(2), "\n".join(body) + "\n", start + 1,
                         marker.group(1) if marker else None))
        i = end + 1
    return out


def without_installs(script: str) -> str:
    """The script with install commands dropped (``pip install X && rest`` keeps ``rest``)."""
    kept = []
    for line in script.splitlines():
        m = INSTALL.match(line)
        if m is None:
            kept.append(line)
        elif m.group(1):
            kept.append(m.group(1))
    return "\n".join(kept) + "\n"


def _environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    for name, folder in (("HOME", "home"), ("TMPDIR", "tmp")):  # nothing is written outside
        env[name] = str(work / folder)
        (work / folder).mkdir(exist_ok=True)
    env.pop("LINKCORE_SECRET", None)
    return env


class PythonSession:
    """One Python process that runs a page's python blocks, one after another, in one namespace."""

    DRIVER = (
        "import sys, traceback\n"
        "ns = {'__name__': '__main__'}\n"
        "for line in sys.stdin:\n"
        "    path = line.strip()\n"
        "    try:\n"
        "        exec(compile(open(path, encoding='utf-8').read(), path, 'exec'), ns)\n"
        "    except BaseException:\n"
        "        traceback.print_exc()\n"
        "        print('\\0FAIL', flush=True)\n"
        "    else:\n"
        "        print('\\0OK', flush=True)\n"
    )

    def __init__(self, work: Path, env: dict[str, str]):
        self.work = work
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-c", self.DRIVER], cwd=work, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.count = 0

    def _pump(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put(None)

    def run(self, code: str, name: str) -> tuple[bool, str]:
        """Run one block; return (succeeded, everything it printed)."""
        self.count += 1
        path = self.work / f".doc_block_{self.count}.py"
        path.write_text(code, encoding="utf-8")
        self.proc.stdin.write(f"{path}\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        output = []
        while True:
            try:
                line = self.lines.get(timeout=BLOCK_TIMEOUT)
            except queue.Empty:
                return False, "".join(output) + f"\n(timed out after {BLOCK_TIMEOUT} s)"
            if line is None:
                return False, "".join(output) + "\n(the Python process ended)"
            if line.startswith("\0"):
                path.unlink()
                return line.strip("\0\n") == "OK", "".join(output)
            output.append(line)

    def close(self) -> None:
        self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _runnable_pages() -> list[Path]:
    return [p for p in PAGES if any(b.language in RUN and not b.not_run for b in blocks(p))]


@pytest.mark.slow
@pytest.mark.parametrize("page", _runnable_pages(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_block_of_the_page_runs_as_written(page, tmp_path):
    env = _environment(tmp_path)
    session = None
    try:
        for block in blocks(page):
            if block.language not in RUN or block.not_run:
                continue
            where = f"{page.relative_to(ROOT)}:{block.line}"
            if block.language == "bash":
                res = subprocess.run(
                    ["bash", "-e", "-o", "pipefail", "-c", without_installs(block.text)],
                    cwd=tmp_path, env=env, capture_output=True, text=True,
                    timeout=BLOCK_TIMEOUT)
                assert res.returncode == 0, (
                    f"{where}: exit {res.returncode}\n{block.text}\nstdout:\n{res.stdout[-3000:]}"
                    f"\nstderr:\n{res.stderr[-3000:]}")
            else:
                session = session or PythonSession(tmp_path, env)
                ok, output = session.run(block.text, where)
                assert ok, f"{where}: the block failed\n{block.text}\noutput:\n{output[-4000:]}"
    finally:
        if session is not None:
            session.close()


def test_every_fence_names_a_known_language():
    bad = [f"{b.page.relative_to(ROOT)}:{b.line} ```{b.language}" for p in PAGES
           for b in blocks(p) if b.language not in LANGUAGES]
    assert not bad, "fence each block as bash, python, text or json: " + ", ".join(bad)


def test_few_blocks_are_not_run_and_each_says_why():
    skipped = [b for p in PAGES for b in blocks(p) if b.not_run]
    assert len(skipped) <= MAX_NOT_RUN, [f"{b.page.name}:{b.line}" for b in skipped]
    assert all(b.language in RUN for b in skipped)


def test_install_lines_are_the_only_lines_dropped():
    script = 'pip install . && linkcore demo\npip install ".[test]"\nlinkcore keygen -o k\n'
    assert without_installs(script) == "linkcore demo\nlinkcore keygen -o k\n"
