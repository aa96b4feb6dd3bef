"""Security headers on every response, including the login page and errors."""

import pytest


@pytest.mark.parametrize("path", ["/login/", "/health", "/no-such-page/"])
def test_security_headers(client, db, path):
    r = client.get(path)
    csp = r["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_anonymous_users_see_only_the_login_page_and_health_check(client, db):
    assert client.get("/health").status_code == 200
    assert client.get("/login/").status_code == 200
    r = client.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = client.get("/admin/")
    assert r.status_code == 302
    assert client.get("/api/anything").status_code == 401


def test_session_cookie_is_http_only_and_expires(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
