"""Importing linkcore, and its dataset module, loads neither pandas nor numba (a fast start)."""

import subprocess
import sys


def _modules_after(statement: str) -> set[str]:
    code = (f"import sys\n{statement}\n"
            "print(' '.join(m for m in ('pandas', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(out.stdout.split())


def test_import_linkcore_loads_no_pandas_or_numba():
    assert _modules_after("import linkcore") == set()


def test_the_dataset_module_loads_no_pandas_or_numba():
    assert _modules_after("import linkcore.dataset") == set()
