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


def test_pages_are_compressed_for_browsers_that_accept_gzip_with_random_padding(
    client, django_user_model, db
):
    """Pages go gzip-compressed when the browser accepts it; each response's length varies
    (Django's defence against BREACH), and a browser that does not accept gzip gets plain HTML."""
    import gzip

    plain = client.get("/login/")
    assert "Content-Encoding" not in plain and b"<form" in plain.content
    assert "Accept-Encoding" in plain["Vary"]
    lengths = set()
    for _ in range(6):
        r = client.get("/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert r["Content-Encoding"] == "gzip"
        assert b"<form" in gzip.decompress(r.content)
        assert len(r.content) < len(plain.content)
        assert int(r["Content-Length"]) == len(r.content)
        lengths.add(len(r.content))
    assert len(lengths) > 1


def test_pages_are_compressed_at_the_faster_level(admin_client):
    """A big page's compressed body is zlib's at GZIP_LEVEL (2), after a padded header."""
    import gzip

    from commissioning.web.middleware import GZIP_LEVEL

    r = admin_client.get("/api/docs", HTTP_ACCEPT_ENCODING="gzip")
    if r.status_code in (301, 302):
        r = admin_client.get(r["Location"], HTTP_ACCEPT_ENCODING="gzip")
    html = gzip.decompress(r.content)
    assert len(html) > 1000
    assert r.content.endswith(gzip.compress(html, compresslevel=GZIP_LEVEL, mtime=0)[10:])
    assert not r.content.endswith(gzip.compress(html, compresslevel=6, mtime=0)[10:])


def test_static_files_are_served_as_they_are_not_compressed_on_each_request(client, db):
    """WhiteNoise serves static files before the page compression sees them."""
    from pathlib import Path

    from django.contrib.staticfiles import finders

    path = Path(finders.find("web/charts.js"))
    r = client.get("/static/web/charts.js", HTTP_ACCEPT_ENCODING="gzip")
    assert r.status_code == 200
    assert "Content-Encoding" not in r
    assert int(r["Content-Length"]) == path.stat().st_size
    assert b"".join(r.streaming_content) == path.read_bytes()


def test_the_site_icon_is_found_where_browsers_look_for_it(client, db):
    """A page with no icon of its own (a report opened from the site) makes the browser ask for
    /favicon.ico; it was a 404 in every browser's console. No sign-in is needed for it."""
    r = client.get("/favicon.ico")
    assert r.status_code == 301
    assert r["Location"].endswith("/vendor/nhsuk-frontend/assets/images/favicon.ico")
