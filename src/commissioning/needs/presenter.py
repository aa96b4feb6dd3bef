"""Needs assessment as people read it: the figures of the needs pages and reports.

(The needs pages' presenter is moving here from ``web/views/needs.py``.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.analytics.disclosure import SUPPRESSED, configured_policy, suppress


def shown_count(value) -> str:
    """One count of patients as it may be shown: 1-7 as *, others rounded to 5."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "Not known"
    out = suppress(pd.DataFrame({"n": [int(round(value))]}), ["n"], policy=configured_policy())
    out = out["n"].iloc[0]
    return out if out == SUPPRESSED else f"{int(out):,}"
