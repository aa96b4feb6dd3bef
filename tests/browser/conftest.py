"""What the browser tests served from a small hand-made world share.

Some browser tests serve the app from a world a script under ``tests/integration`` writes into
a fresh SQLite file (``world.py DB PASSWORD``), not from the demo, so they need no demo build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


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
