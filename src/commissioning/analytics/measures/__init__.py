"""Practice-month measures from pseudonymised patient-level data, on DuckDB or Spark.

Each measure is defined once, in SQL that both engines run unchanged (``definitions/``), and
evaluated into one long table: measure, organisation, period, numerator, denominator, value.
"""

from commissioning.analytics.measures.library import Measure, load_library
from commissioning.analytics.measures.run import evaluate

__all__ = ["Measure", "evaluate", "load_library"]
