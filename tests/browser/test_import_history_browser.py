"""An administrator finds an import, reads its changes and undoes it, in a real browser with
JavaScript turned off; every page on the way is checked with axe-core (in a second browser
context with JavaScript on, since axe is a script)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_an_administrator_undoes_an_import_without_javascript(
    demo_server, browser, tmp_path, sign_in, axe
):
    plain = browser.new_context(java_script_enabled=False)
    scripted = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page, checked = plain.new_page(), scripted.new_page()
    violations = []

    def check(path: str) -> None:
        checked.goto(f"{demo_server}{path}")
        violations.extend(axe.run(checked, "admin", path))

    try:
        sign_in(page, demo_server, "admin")
        sign_in(checked, demo_server, "admin")
        upload = tmp_path / "organisations.csv"
        upload.write_text("ods_code,name,kind\nZZB01,Browser Test Surgery,gp_practice\n")
        page.goto(f"{demo_server}/communities/wirral/import/")
        page.get_by_label("File to import").set_input_files(str(upload))
        page.get_by_role("button", name="Upload and import").click()
        page.wait_for_load_state()
        assert "Organisations: 1 added" in page.locator("main").inner_text()

        page.goto(f"{demo_server}/audit/")
        page.get_by_role("link", name="See each import").click()
        page.wait_for_url(re.compile(r"/audit/imports/$"))
        check("/audit/imports/")
        row = page.get_by_role("row").nth(1)  # the newest import, under the header row
        assert "organisations.csv" in row.inner_text() and "admin" in row.inner_text()
        newest = row.get_by_role("link", name=re.compile(r"^Import \d+$"))
        number = int(newest.inner_text().split()[-1])
        newest.click()
        page.wait_for_url(re.compile(rf"/audit/imports/{number}/$"))
        check(f"/audit/imports/{number}/")
        assert "Records added: 1." in page.locator("main").inner_text()
        page.get_by_role("link", name="Undo this import").click()
        page.wait_for_url(re.compile(rf"/audit/imports/{number}/undo/$"))
        check(f"/audit/imports/{number}/undo/")
        page.get_by_role("button", name=f"Undo import {number}").click()
        page.wait_for_url(re.compile(r"/audit/imports/\d+/\?undone=1$"))
        done = page.locator("main").inner_text()
        assert f"Import {number} has been undone" in done
        assert "ZZB01" in done and "Browser Test Surgery" in done  # the record it removed
        check(page.url.removeprefix(demo_server))
    finally:
        plain.close()
        scripted.close()
    axe.assert_clean(violations)
