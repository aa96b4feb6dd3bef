"""Recalctown, for the tests of recalculating limits at a go-live (see world.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from .world import build


@pytest.fixture
def town(db):
    return build()


@pytest.fixture
def client_for(town):
    """A signed-in test client for one of the world's logins (by its key in the world)."""

    def make(who: str) -> Client:
        client = Client(raise_request_exception=True)
        client.force_login(town[who])
        return client

    return make
