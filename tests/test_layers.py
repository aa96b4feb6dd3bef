"""The layering rules of docs/architecture.md ("What may import what"), checked on the source.

Every import counts, including ones inside functions (imported lazily), since they make the
layer depend on the other just the same.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "commissioning"
ANALYTICS = PACKAGE / "analytics"
FORBIDDEN = ("django", "commissioning.store", "commissioning.web", "commissioning.ingest")
#: Layers below the web pages: none of them may import ``commissioning.web``.
BELOW_WEB = ("store", "ingest", "access", "needs", "demo", "provider_selection")
#: Pure modules of feature packages: no Django, no store.
PURE_MODULES = [
    PACKAGE / "provider_selection" / name for name in ("rules.py", "standstill.py", "chain.py")
]


def imported(path: Path) -> list[str]:
    """Every module an import statement in the file names (relative imports are left out)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def offenders(root: Path, forbidden: tuple[str, ...]) -> list[str]:
    """``file: module`` for each import under ``root`` of a module in ``forbidden`` (or below)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for name in imported(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(root.parent)}: {name}")
    return found


def test_analytics_imports_no_django():
    assert offenders(ANALYTICS, FORBIDDEN) == []


@pytest.mark.parametrize("layer", BELOW_WEB)
def test_layer_does_not_import_web(layer):
    assert (PACKAGE / layer).is_dir()
    assert offenders(PACKAGE / layer, ("commissioning.web",)) == []


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: p.name)
def test_pure_modules_import_no_django(path):
    found = [n for n in imported(path) if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert found == []


def test_provider_selection_is_below_the_pages_api_and_command_line():
    above = ("commissioning.web", "commissioning.api", "commissioning.cli")
    assert offenders(PACKAGE / "provider_selection", above) == []


def test_checker_finds_lazy_imports(tmp_path):
    """The check sees imports inside functions and ``import x.y`` forms, not look-alikes."""
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "areas.py").write_text(
        "def f():\n    from commissioning.web.views.needs import choose_and_store_peers\n"
    )
    (tmp_path / "demo" / "other.py").write_text(
        "import commissioning.web\nimport commissioning.webhooks\nfrom . import web\n"
    )
    assert offenders(tmp_path / "demo", ("commissioning.web",)) == [
        "demo/areas.py: commissioning.web.views.needs",
        "demo/other.py: commissioning.web",
    ]
