"""A small community with award records made by provider_selection.demo.add_award_records.

Minitown CCG commissions from Alpha Trust (contracts MT-1, ending 30 September 2025, and MT-3,
ending 31 March 2026) and Beta Care (MT-2, ending 31 December 2025). ``add_award_records`` on
2 June 2025 makes: a finalised direct award C record replacing MT-1, a finalised competitive
record replacing MT-2 that Alpha Trust wins against Beta Care, and a draft most suitable
provider record for MT-3. Logins are made without passwords (tests use force_login).
"""

from __future__ import annotations

import pytest

from .world import TODAY, build

__all__ = ["TODAY"]


@pytest.fixture
def awards(db):
    return build()
