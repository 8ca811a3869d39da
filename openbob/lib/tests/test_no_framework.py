from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODULES = [
    "batches",
    "crypto",
    "csvsafe",
    "distinct",
    "masking",
    "signing",
    "spreadsheet",
    "spreadsheet_helper",
    "weeks",
    "xlsx_backend",
]
REPOSITORY = Path(__file__).resolve().parents[3]


def test_the_helpers_import_without_django() -> None:
    """`openbob.lib` sits below every app, so it must never pull Django in."""
    imports = "; ".join(f"import openbob.lib.{name}" for name in MODULES)
    check = f"{imports}; import sys; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", check], check=True, cwd=REPOSITORY)
