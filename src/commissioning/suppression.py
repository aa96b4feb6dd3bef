"""The small-numbers policy this installation uses, read from the environment.

:mod:`commissioning.analytics.disclosure` holds the rules and stays pure: each of its functions
takes a :class:`~commissioning.analytics.disclosure.SuppressionPolicy` (the default, counts 1 to
7 hidden and others rounded to the nearest 5, when none is given). This module is the one place
that decides which policy the web app, the API, downloads, reports and the command line pass:

- ``COMMISSIONING_SUPPRESS_UP_TO``: counts from 1 to this number are shown as ``*`` (default 7);
- ``COMMISSIONING_ROUND_TO``: other counts are rounded to the nearest multiple of this (default
  5; 1 means no rounding);
- ``COMMISSIONING_PUBLISHED_COUNTS``: kinds of records whose counts are published figures, shown
  as stored in downloads (``populations``, ``registers`` or both, separated by commas; default
  none: they are treated as derived from patients and disclosed under the rule).

It needs no database or Django settings, so commands that run without a database (``commissioning
measures``) use it too. The web app checks it when it starts (:mod:`commissioning.web.apps`), so a
bad value stops the server with a plain message instead of failing page by page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from commissioning.analytics.disclosure import DEFAULT_POLICY, PUBLISHABLE, SuppressionPolicy
from commissioning.errors import UserError

SUPPRESS_UP_TO = "COMMISSIONING_SUPPRESS_UP_TO"
ROUND_TO = "COMMISSIONING_ROUND_TO"
PUBLISHED = "COMMISSIONING_PUBLISHED_COUNTS"


class PolicyError(UserError):
    """The small-numbers settings in the environment are not usable."""

    exit_status = 2


def _whole_number(environ: Mapping[str, str], name: str, default: int, least: int) -> int:
    text = environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        number = int(text.strip())
    except ValueError:
        number = None
    if number is None or number < least:
        raise PolicyError(
            f"{name} must be a whole number of at least {least} (the default is {default}), "
            f"but it is set to '{text}'"
        )
    return number


def _kinds(environ: Mapping[str, str], name: str) -> frozenset[str]:
    text = environ.get(name) or ""
    kinds = {k.strip().lower() for k in text.split(",") if k.strip()}
    if not kinds <= set(PUBLISHABLE):
        raise PolicyError(
            f"{name} lists the kinds of records whose counts are published figures: "
            f"{', '.join(PUBLISHABLE)}, separated by commas (the default is none), "
            f"but it is set to '{text}'"
        )
    return frozenset(kinds)


def policy_from(environ: Mapping[str, str]) -> SuppressionPolicy:
    """The policy that ``environ`` asks for; unset or empty variables keep the defaults."""
    return SuppressionPolicy(
        threshold=_whole_number(environ, SUPPRESS_UP_TO, DEFAULT_POLICY.threshold, 0),
        rounding=_whole_number(environ, ROUND_TO, DEFAULT_POLICY.rounding, 1),
        published=_kinds(environ, PUBLISHED),
    )


def configured_policy() -> SuppressionPolicy:
    """The small-numbers policy for everything that leaves the system, from the environment."""
    return policy_from(os.environ)
