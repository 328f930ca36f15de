"""The one rule for every command's files, enforced here for all of them.

- An output never names an input, the key file or another output of the same run. Paths are
  compared after resolving symbolic links, and by device and inode where both files exist (hard
  links count). An output inside an input folder is refused too.
- An existing output is replaced only with ``--force``; a folder never, and a key file (the
  text ``linkcore keygen`` writes) only by ``linkcore keygen --force``: a command that takes no
  key cannot tell that a file it is asked to replace is one, so every command looks. A linkcore
  store (SQLite with the store's application id) is never replaced, even with ``--force``.
- Every output's folder is checked writable before any work starts.
- Outputs are written into a hidden staging folder beside each target
  (``.<name>.<pid>@<host>.<random>.partial/<name>``, so writers see the real file name and
  suffix) and renamed into place together at the end (:meth:`RunOutputs.commit`). If a rename
  fails or the run is interrupted, the outputs already renamed are rolled back: a new file is
  removed, a file replaced with ``--force`` is restored. A killed run's staging folders are removed
  by the next run that writes the same output (:func:`linkcore._io.clean_stale_partials`).
- A journal of the files committed in this run lets an interrupted command say truthfully what
  it wrote (:func:`written`, used by ``_common.guarded``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

from .._io import (
    PARTIAL_SUFFIX,
    clean_stale_partials,
    holds_key,
    partial_prefix,
    refuse_key_like_name,
)
from ..errors import OutputError, ParameterError

PathArg = str | os.PathLike[str] | None

_WRITTEN: list[Path] = []


def begin_run() -> None:
    """Forget the files committed by an earlier command in this process."""
    _WRITTEN.clear()


def written() -> list[Path]:
    """List the output files this run has committed (renamed into place), not rolled back."""
    return list(_WRITTEN)


def same_file(a: Path, b: Path) -> bool:
    """Tell whether ``a`` and ``b`` name one file: same real path, or same device and inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def same_content(a: Path, b: Path) -> bool:
    """Tell whether two inputs hold the same bytes: one file given twice, or a copy of it.

    Regular files: equal sizes and equal SHA-256 digests. Partitioned datasets (folders): equal
    manifests, which name every part with its digest.
    """
    if same_file(a, b):
        return True
    try:
        if os.path.isdir(a) and os.path.isdir(b):
            a, b = Path(a) / "manifest.json", Path(b) / "manifest.json"
        if not (os.path.isfile(a) and os.path.isfile(b)):
            return False
        if os.path.getsize(a) != os.path.getsize(b):
            return False
        return _sha256(a) == _sha256(b)
    except OSError:  # unreadable: the read that follows says so
        return False


def _sha256(path: Path) -> bytes:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.digest()


def store_sidecars(store: PathArg) -> list[Path]:
    """Return the files SQLite keeps beside a store while a run writes it (its journal)."""
    if store is None:
        return []
    path = Path(store)
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def check_release_dir(release_dir: Path, agencies: Iterable[str],
                      tables: Mapping[str, Path | None]) -> None:
    """Refuse a release folder that a table of every agency would go into, or stale files.

    A release file of an agency not released now, left from an earlier run, would be sent with
    the others.
    """
    for label, path in tables.items():
        if path is not None and _inside(path, release_dir):
            raise ParameterError(f"{label} {path} is inside --release-dir, whose files go each to "
                                 "its own agency; write it outside that folder")
    if release_dir.is_dir():
        mine = {f"release_{name}.csv" for name in agencies}
        stale = sorted(p for p in release_dir.glob("release_*.csv") if p.name not in mine)
        if stale:
            raise ParameterError(f"--release-dir {release_dir} already holds release files of "
                                 f"agencies not released now ({_listing(stale)}); move them or "
                                 "choose another folder")


def _nearest_existing(folder: Path) -> Path:
    folder = Path(os.path.abspath(folder))
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    return folder


def describe(label: str, path: Path) -> str:
    """``-o out.csv`` for an option's file; just the path for a file inside an output folder."""
    return f"{label} {path}" if label.startswith("-") else str(path)


def _listing(paths: list[Path], limit: int = 3) -> str:
    shown = ", ".join(str(p) for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


#: The first line of a key file that ``linkcore demo`` wrote (demo_cmd.demo_key_text): a key
#: anyone can recompute from a public seed, which the demo may replace with ``--force``.
DEMO_KEY_MARK = b"# DEMO KEY derived from the public seed "


def is_demo_key(path: Path) -> bool:
    """Whether a file is a demo's key file (its first line says so): no secret to protect."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(DEMO_KEY_MARK)) == DEMO_KEY_MARK
    except OSError:
        return False


def check_paths(outputs: Mapping[str, Path], inputs: Mapping[str, Path], key: Path | None,
                force: bool, *, replaces_keys: bool = False,
                key_option: str = "--key-file", demo_keys: bool = False) -> None:
    """Apply the rule to one run's paths (no file is touched); raise on the first breach.

    ``outputs`` and ``inputs`` map the option that names a file (``-o``, ``--report``,
    ``DATA``, ...) to its path. Collisions are ParameterError; an existing output without
    ``force``, a folder in the way or an unwritable folder are OutputError (both exit 2).
    ``demo_keys``: an output may replace a demo's key file (``linkcore demo --force``).
    """
    for label, out in outputs.items():
        if out.is_dir():
            raise OutputError(f"{describe(label, out)} is a folder; give a file name")
    sources: list[tuple[str, Path]] = [(f"the input {label}", p) for label, p in inputs.items()]
    if key is not None:
        sources.append((f"the key file ({key_option})", key))
    for label, out in outputs.items():
        for what, src in sources:
            if same_file(out, src):
                raise ParameterError(f"{describe(label, out)} would overwrite {what}; "
                                     "choose another file name")
            if src.is_dir() and _inside(out, src):
                raise ParameterError(f"{describe(label, out)} is inside {what}; "
                                     "choose a file outside it")
    items = list(outputs.items())
    for i, (label_a, a) in enumerate(items):
        for label_b, b in items[i + 1:]:
            if same_file(a, b):
                raise ParameterError(f"{label_a} and {label_b} name the same file ({a}); "
                                     "give each output its own name")
    existing = [out for out in outputs.values() if os.path.lexists(out)]
    for label, out in outputs.items():
        if not replaces_keys and out in existing and out.is_file() and holds_key(out) \
                and not (demo_keys and is_demo_key(out)):
            raise ParameterError(f"{describe(label, out)} is a key file; linkcore never writes "
                                 "over a key (not even with --force): choose another file name")
        if out in existing and holds_store(out):
            raise ParameterError(f"{describe(label, out)} is a linkcore store; linkcore never "
                                 "writes over a store (not even with --force): choose another "
                                 "file name")
        if replaces_keys and out in existing and not holds_key(out):
            raise ParameterError(f"{describe(label, out)} exists and is not a key file; a new "
                                 "key replaces only a key (not even with --force): choose "
                                 "another file name")
    if existing and not force:
        if len(existing) == 1:
            label = next(k for k, v in outputs.items() if v == existing[0])
            raise OutputError(f"{describe(label, existing[0])} already exists; "
                              "use --force to replace it")
        raise OutputError(f"{_listing(existing)} already exist; use --force to replace them")
    for label, out in outputs.items():
        folder = _nearest_existing(out.parent)
        if not folder.is_dir():
            raise OutputError(f"cannot write {describe(label, out)}: {folder} is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write {describe(label, out)}: the folder {folder} "
                              "is not writable")


#: The first bytes of every SQLite file; a store's application id follows at offset 68.
_SQLITE_MAGIC = b"SQLite format 3\x00"


def holds_store(path: Path) -> bool:
    """Whether an existing file is a linkcore store (an SQLite file with the store's id)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(72)
    except OSError:  # a folder, or unreadable: writing it says what is wrong
        return False
    if len(head) < 72 or not head.startswith(_SQLITE_MAGIC):
        return False
    from ..linkage.store import APPLICATION_ID

    return int.from_bytes(head[68:72], "big", signed=True) == APPLICATION_ID


def _paths(mapping: Mapping[str, PathArg | Iterable[PathArg]]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for label, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, str | os.PathLike):
            out[label] = Path(value)
        else:  # an option taking several paths, e.g. --extracts A B
            for i, v in enumerate(value):
                if v is not None:
                    out[f"{label} ({i + 1})"] = Path(v)
    return out


def _make_private(path: Path) -> None:
    """Make a staged output its owner's only: a file 0600; a folder 0700, and all it holds."""
    if not path.is_dir() or path.is_symlink():
        os.chmod(path, 0o600)
        return
    os.chmod(path, 0o700)
    for root, dirs, files in os.walk(path):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o700)
        for f in files:
            os.chmod(os.path.join(root, f), 0o600)


class RunOutputs:
    """The files one command run writes: checked first, written aside, committed together.

    Use as a context manager; write each output to :meth:`path`, then call :meth:`commit`.
    Leaving the block without a commit (an error, Ctrl-C) removes everything staged.

    >>> with RunOutputs({"-o": "m.csv"}, inputs={"FILE_A": "a.parquet"}) as out:  # doctest: +SKIP
    ...     df.to_csv(out.path("-o"))
    ...     out.commit()
    """

    def __init__(self, outputs: Mapping[str, PathArg], *,
                 inputs: Mapping[str, PathArg | Iterable[PathArg]] | None = None,
                 key: PathArg = None, force: bool = False, replaces_keys: bool = False,
                 key_option: str = "--key-file",
                 demo_keys: bool = False) -> None:
        self.targets = _paths(outputs)
        for label, target in self.targets.items():
            refuse_key_like_name(target, label)
        check_paths(self.targets, _paths(inputs or {}), None if key is None else Path(key),
                    force, replaces_keys=replaces_keys, key_option=key_option,
                    demo_keys=demo_keys)
        self.force = force
        self._staging: dict[str, Path] = {}
        self._made_folders: list[Path] = []
        self._committed = False

    # -- staging ------------------------------------------------------------------------
    def __enter__(self) -> RunOutputs:
        try:
            for label, target in self.targets.items():
                self._make_parent(target.parent)
                clean_stale_partials(target)
                self._staging[label] = Path(tempfile.mkdtemp(
                    prefix=partial_prefix(target), suffix=PARTIAL_SUFFIX, dir=target.parent))
        except OSError as exc:
            self._discard()
            raise OutputError(f"cannot write {describe(label, target)}: "
                              f"{exc.strerror or type(exc).__name__}") from None
        except BaseException:
            self._discard()
            raise
        return self

    def _make_parent(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and folder != folder.parent:
            missing.append(folder)
            folder = folder.parent
        for f in reversed(missing):
            f.mkdir(mode=0o700)  # the owner's only, whatever the umask (less, if it says so)
            self._made_folders.append(f)

    def path(self, label: str) -> Path:
        """Where to write the output ``label`` now: its real name, in its staging folder."""
        return self._staging[label] / self.targets[label].name

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._committed:
            self._discard()

    def _discard(self) -> None:
        for staging in self._staging.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._staging.clear()
        for folder in reversed(self._made_folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty
        self._made_folders.clear()

    # -- commit -------------------------------------------------------------------------
    def commit(self) -> list[Path]:
        """Rename every staged output into place, or none: roll back on any failure."""
        if not self.force:
            there = [t for t in self.targets.values() if os.path.lexists(t)]
            if there:
                raise OutputError(f"{_listing(there)} appeared while this run was working; "
                                  "nothing was written (use --force to replace)")
        done: list[tuple[Path, Path | None]] = []
        label = ""
        pending: tuple[Path, Path, Path | None] | None = None
        try:
            for label, target in self.targets.items():
                staged = self.path(label)
                if not staged.exists():
                    raise RuntimeError(f"output {label} was declared but never written")
                if os.name == "posix":  # the owner's only, as atomic_path's files are: a
                    _make_private(staged)  # mapping or a report may say more than meant
                backup = self._backup(label, target)
                pending = (target, staged, backup)
                os.replace(staged, target)
                done.append((target, backup))
                _WRITTEN.append(target)
                pending = None
        except BaseException as exc:
            if pending is not None and not os.path.lexists(pending[1]):
                done.append((pending[0], pending[2]))  # interrupted just after the rename
                _WRITTEN.append(pending[0])
            self._rollback(done)
            self._discard()
            if isinstance(exc, OSError):
                raise OutputError(f"cannot write {describe(label, self.targets[label])}: "
                                  f"{exc.strerror or type(exc).__name__}; nothing was written"
                                  ) from None
            raise
        self._committed = True
        self._discard_staging_only()
        return [t for t, _ in done]

    def _backup(self, label: str, target: Path) -> Path | None:
        """Keep the file that ``target`` replaces (a hard link, else a copy) for a rollback."""
        if not os.path.lexists(target):
            return None
        backup = self._staging[label] / f".replaced.{target.name}"
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError:
            shutil.copy2(target, backup, follow_symlinks=False)
        return backup

    @staticmethod
    def _rollback(done: list[tuple[Path, Path | None]]) -> None:
        for target, backup in reversed(done):
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
            except OSError:
                continue  # cannot undo: it stays in the journal, so the message still says so
            with contextlib.suppress(ValueError):
                _WRITTEN.remove(target)

    def _discard_staging_only(self) -> None:
        for staging in self._staging.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._staging.clear()
        self._made_folders.clear()
