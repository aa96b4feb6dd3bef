"""The analytics layer never imports Django or the ORM (it takes and returns dataframes)."""

import ast
from pathlib import Path

ANALYTICS = Path(__file__).resolve().parents[1] / "src" / "commissioning" / "analytics"
FORBIDDEN = ("django", "commissioning.store", "commissioning.web", "commissioning.ingest")


def test_analytics_imports_no_django():
    offenders = []
    for path in ANALYTICS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert offenders == []
