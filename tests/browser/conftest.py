"""What the browser tests share: signing in, the axe-core check, and the small hand-made worlds.

- ``sign_in(page, base, username, password=DEMO_PASSWORD, next_page="")`` signs in through the
  sign-in page.
- ``axe`` runs axe-core (vendored in tests/browser/vendor/axe-core, test-only) in a page against
  the WCAG 2.0, 2.1 and 2.2 A and AA rules: ``axe.run(page, role, path)`` gives the violations,
  ``axe.assert_clean(violations)`` fails on any that :func:`fails`; ``axe_clean(page, what)``
  does both on the page as a user finally sees it (its charts drawn).
- ``axe_page``: a page whose Content-Security-Policy lets the test inject axe-core.

A violation fails a test if its impact is serious or critical, or whatever its impact for the
rules that axe reports reliably (contrast, labels, names, landmarks, headings, lists, ARIA).

Some browser tests serve the app from a world a script under ``tests/integration`` writes into
a fresh SQLite file (``world.py DB PASSWORD``), not from the demo, so they need no demo build:
the module defines a ``world`` fixture with ``build_world`` and signs in on ``base``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
DEMO_PASSWORD = "synthetic-demo-Pa55"  # the password tests/conftest.py builds the demo with
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Rules whose results we trust enough to fail on whatever impact axe gives them.
RELIABLE_RULES = {
    "color-contrast",
    "label",
    "image-alt",
    "input-image-alt",
    "svg-img-alt",
    "link-name",
    "button-name",
    "select-name",
    "document-title",
    "html-has-lang",
    "html-lang-valid",
    "valid-lang",
    "landmark-one-main",
    "region",
    "heading-order",
    "empty-heading",
    "list",
    "listitem",
    "definition-list",
    "dlitem",
    "duplicate-id-aria",
    "form-field-multiple-labels",
    "frame-title",
    "td-headers-attr",
    "th-has-data-cells",
    "scrollable-region-focusable",
    "target-size",
}


@dataclass(frozen=True)
class Violation:
    role: str
    path: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.targets[:3]) + (" …" if len(self.targets) > 3 else "")
        who = f"[{self.role}] " if self.role else ""
        return (
            f"{who}{self.path}: {self.rule} ({self.impact}) {self.help}"
            f" — {len(self.targets)} element(s): {where}"
        )


def fails(rule: str, impact: str) -> bool:
    return impact in {"serious", "critical"} or rule in RELIABLE_RULES or rule.startswith("aria-")


def wait_for_charts(page) -> None:
    """Charts are drawn by script after load; check the page as a user finally sees it."""
    if page.locator("[data-chart-spec]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart-spec]')]"
            ".every(c => c.dataset.chartDrawn === 'true' || !c.querySelector('svg'))"
            " && !document.querySelector('[data-chart-spec]:empty')",
            timeout=60_000,
        )


class Axe:
    """axe-core in a page (injected as a script: the page's context needs ``bypass_csp``)."""

    wait_for_charts = staticmethod(wait_for_charts)

    @staticmethod
    def run(page, role: str, path: str) -> list[Violation]:
        """Every violation of the WCAG A and AA rules on the page as it stands."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        found = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                .then(r => r.violations.map(v => ({
                    rule: v.id, impact: v.impact || 'minor', help: v.help,
                    targets: v.nodes.map(n => n.target.join(' '))})))""",
            WCAG_TAGS,
        )
        return [
            Violation(role, path, v["rule"], v["impact"], v["help"], tuple(v["targets"]))
            for v in found
        ]

    @staticmethod
    def failing(violations: list[Violation]) -> list[Violation]:
        return [v for v in violations if fails(v.rule, v.impact)]

    @staticmethod
    def report(violations: list[Violation]) -> str:
        return "\n".join(str(v) for v in violations)

    def assert_clean(self, violations: list[Violation]) -> None:
        failing = self.failing(violations)
        assert not failing, self.report(failing)

    def check(self, page, what: str, role: str = "") -> None:
        """The page, its charts drawn, has no violation that fails; ``what`` names it."""
        wait_for_charts(page)
        self.assert_clean(self.run(page, role, what))


def _sign_in(
    page, base: str, username: str, password: str = DEMO_PASSWORD, next_page: str = ""
) -> None:
    page.goto(f"{base}/login/" + (f"?next={next_page}" if next_page else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert "/login/" not in page.url, f"{username} was not signed in: {page.url}"
    if next_page:
        assert urlsplit(page.url).path == next_page, f"signed in at {page.url}, not {next_page}"


@pytest.fixture(scope="session")
def sign_in():
    """``sign_in(page, base, username, password=DEMO_PASSWORD, next_page="")``: through the
    sign-in page (asked to go on to ``next_page``, and checked that it does)."""
    return _sign_in


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="session")
def axe_clean(axe):
    """``axe_clean(page, what, role="")``: the page, its charts drawn, passes the axe check."""
    return axe.check


@pytest.fixture
def axe_page(browser):
    """A page whose Content-Security-Policy lets the test inject axe-core as an inline script."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def build_world(tmp_path_factory):
    """``build(script, password, name)``: run the world script into a fresh SQLite file in a
    folder of its own; returns ``{"db", "env", "stdout"}`` for ``serve_app.start``."""

    def build(script: Path, password: str, name: str) -> dict:
        folder = tmp_path_factory.mktemp(name)
        db = f"sqlite:///{folder / f'{name}.sqlite3'}"
        env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
        env.pop("DATABASE_URL", None)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), str(SRC)) if p)
        done = subprocess.run(
            [sys.executable, str(script), db, password],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return {"db": db, "env": env, "stdout": done.stdout}

    return build


@pytest.fixture
def base(world, serve_app):
    """The app served from the module's ``world`` (what ``build_world`` returned)."""
    _, url = serve_app.start(["--db", world["db"]], world["env"])
    return url
