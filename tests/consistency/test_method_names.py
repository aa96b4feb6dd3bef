"""Methods are named as they are, from one place, on every surface.

Found by a reviewer: `commissioning funnel --help` and the guide called the proportion funnel
limits "Wilson score"; what is computed (and what PHEindicatormethods' reference tables hold) is
the normal approximation around the pooled proportion.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from commissioning.analytics.methods import METHODS

from .conftest import page_text

pytestmark = pytest.mark.django_db


def test_the_funnel_command_names_its_proportion_limits_as_they_are():
    out = subprocess.run(
        [sys.executable, "-m", "commissioning", "funnel", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = " ".join(out.split())
    assert "normal approximation around the pooled proportion" in words
    assert "Wilson score" not in words


def test_the_needs_page_names_the_funnel_method_from_the_one_list(admin_client):
    page = page_text(admin_client.get("/communities/calderdale/needs/diabetes/").content.decode())
    method = METHODS["proportion_funnel_normal"]
    assert method.name in page
    before_table = page.split("Each practice's recorded prevalence against its list size")[1]
    assert "Wilson" not in before_table.split("Practices")[0]
