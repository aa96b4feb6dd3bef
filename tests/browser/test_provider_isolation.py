"""A provider signs in and cannot reach another provider's contract by guessing its address."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def api_contracts(page, base):
    data = page.evaluate(
        "async url => (await fetch(url)).json()", f"{base}/api/contracts?page_size=500"
    )
    return data["items"]


def test_provider_cannot_open_another_providers_contract(demo_server, browser, sign_in):
    admin = browser.new_context()
    admin_page = admin.new_page()
    sign_in(admin_page, demo_server, "admin")
    everything = [c for c in api_contracts(admin_page, demo_server) if c["community"] == "wirral"]
    admin.close()

    provider = browser.new_context()
    page = provider.new_page()
    sign_in(page, demo_server, "wirral-provider")
    own = api_contracts(page, demo_server)
    own_ids = {c["id"] for c in own}
    assert own, "the Wirral provider holds at least one contract"
    others = [c for c in everything if c["id"] not in own_ids]
    assert others, "Wirral has contracts held by other providers"
    target = others[0]

    # Guessing the contract's page and its API address: both answer "not found".
    response = page.goto(
        f"{demo_server}/communities/wirral/contracts/{target['reference']}/monitoring/"
    )
    assert response.status == 404
    assert "Page not found" in page.content() or "not found" in page.content().lower()
    assert target["title"] not in page.content()
    response = page.goto(f"{demo_server}/api/contracts/{target['id']}")
    assert response.status == 404

    # Their own contract opens.
    mine = own[0]
    response = page.goto(
        f"{demo_server}/communities/wirral/contracts/{mine['reference']}/monitoring/"
    )
    assert response.status == 200
    provider.close()
