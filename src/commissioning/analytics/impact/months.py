"""Calendar months as whole numbers, so that gaps in a series and horizons are counted right."""

from __future__ import annotations

import numpy as np
import pandas as pd


def month_number(dates) -> np.ndarray:
    """Months since year 0 (January 2005 is 2005 * 12 + 0) for each date."""
    d = pd.DatetimeIndex(pd.to_datetime(dates))
    return (d.year * 12 + d.month - 1).to_numpy()


def month_start(number: int) -> pd.Timestamp:
    """The first day of the month with the given month number."""
    return pd.Timestamp(year=int(number) // 12, month=int(number) % 12 + 1, day=1)
