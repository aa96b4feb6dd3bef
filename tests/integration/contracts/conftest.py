"""The small community of the contract performance tests (world.py)."""

from __future__ import annotations

import pytest

from .world import build


@pytest.fixture
def ctown(db):
    return build()
