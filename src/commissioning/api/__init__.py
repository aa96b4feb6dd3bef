"""The JSON API at /api/: read the commissioning records a login may see, submit observations.

Session sign-in (the same login as the pages), CSRF token on every POST, OpenAPI schema at
/api/openapi.json. What each role sees is decided by :mod:`commissioning.access.policy`.
"""
