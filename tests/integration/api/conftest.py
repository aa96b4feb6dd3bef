"""Fixtures for the API tests: the small world in ``world.py`` and signed-in clients."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.test import Client


def load_world_module():
    spec = importlib.util.spec_from_file_location("api_world", Path(__file__).with_name("world.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


world_module = load_world_module()


@pytest.fixture
def world(db):
    return world_module.build_world()


@pytest.fixture
def client_for(world):
    """A test client signed in as one of the world's logins (or anonymous)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make
