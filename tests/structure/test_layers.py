"""The import rules of docs/architecture.md ("What may import what"), enforced by import-linter.

The contracts are in pyproject.toml (``[tool.importlinter]``): the layers from the command line
down to the analytics, pure analytics, nothing importing the command line, no view importing
another, and the board report's work sections taking their figures from the work page's
presenter rather than the engines. Every import counts, including ones inside functions
(imported lazily), since they make one part depend on another just the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path, src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT), "--config", "pyproject.toml", "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_every_import_contract_holds():
    result = lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


def test_the_contracts_see_lazy_imports_and_views_importing_views(tmp_path):
    """The checker sees imports inside functions, and an import between two views."""
    package = tmp_path / "src" / "mini"
    for folder in ("analytics", "store", "web/views"):
        (package / folder).mkdir(parents=True)
    for init in ("", "analytics", "store", "web", "web/views"):
        (package / init / "__init__.py").write_text("")
    (package / "analytics" / "rates.py").write_text("def f():\n    from mini.store import models\n")
    (package / "store" / "models.py").write_text("")
    (package / "web" / "views" / "a.py").write_text("from mini.web.views import b\n")
    (package / "web" / "views" / "b.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [tool.importlinter]
            root_package = "mini"

            [[tool.importlinter.contracts]]
            name = "pure analytics"
            type = "forbidden"
            source_modules = ["mini.analytics"]
            forbidden_modules = ["mini.store"]

            [[tool.importlinter.contracts]]
            name = "views"
            type = "independence"
            modules = ["mini.web.views.*"]
            """
        )
    )
    result = lint(tmp_path, tmp_path / "src")
    assert result.returncode == 1
    assert "mini.analytics.rates -> mini.store" in result.stdout
    assert "mini.web.views.a -> mini.web.views.b" in result.stdout
