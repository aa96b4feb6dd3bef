"""Fixtures for the indicator library tests: the API tests' small world, plus conditions."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location(
    "api_world_for_indicators", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)


@pytest.fixture
def world(db):
    from commissioning.store.models import Condition

    w = world_module.build_world()
    w.dementia = Condition.objects.create(name="Dementia", slug="dementia")
    w.stroke = Condition.objects.create(name="Stroke and TIA", slug="stroke-tia")
    return w


@pytest.fixture
def client_for(world):
    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return make
