"""Statistical process control: NHS "Making Data Count" XmR charts for many series at once.

Faithful to NHSRplotthedots 0.2.x defaults; see docs/guide/spc.md for the rules and options.
"""

from commissioning.analytics.spc.engine import (
    POINT_COLUMNS,
    SUMMARY_COLUMNS,
    short_periods,
    summarise,
    xmr,
)

__all__ = ["POINT_COLUMNS", "SUMMARY_COLUMNS", "short_periods", "summarise", "xmr"]
