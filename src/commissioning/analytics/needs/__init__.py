"""Needs assessment statistics: the public-health methods PHE/OHID publish, for many units at once.

Pure functions over pandas dataframes, vectorised across units (practices, areas) and groups
(conditions): crude prevalence and rates with Wilson/Byar/exact limits, directly standardised
rates (ESP2013, Dobson limits), indirectly standardised ratios, expected prevalence and
diagnosis rates, funnel plot limits with over-dispersion, register projections and peer groups.
See docs/guide/needs.md.
"""

from commissioning.analytics.needs._data import DataProblem
from commissioning.analytics.needs.crude import crude_proportion, crude_rate
from commissioning.analytics.needs.dsr import dsr
from commissioning.analytics.needs.expected import diagnosis_rate, expected_prevalence
from commissioning.analytics.needs.funnel import funnel
from commissioning.analytics.needs.intervals import (
    byar,
    dobson,
    exact_poisson,
    poisson_interval,
    wilson,
)
from commissioning.analytics.needs.isr import expected_counts, isr
from commissioning.analytics.needs.peers import peer_groups
from commissioning.analytics.needs.projection import project_prevalence
from commissioning.analytics.needs.standard_population import (
    ESP2013_BANDS,
    ESP2013_WEIGHTS,
    esp2013,
    parse_age_band,
)

__all__ = [
    "DataProblem",
    "ESP2013_BANDS",
    "ESP2013_WEIGHTS",
    "byar",
    "crude_proportion",
    "crude_rate",
    "diagnosis_rate",
    "dobson",
    "dsr",
    "esp2013",
    "exact_poisson",
    "expected_counts",
    "expected_prevalence",
    "funnel",
    "isr",
    "parse_age_band",
    "peer_groups",
    "poisson_interval",
    "project_prevalence",
    "wilson",
]
