"""Needs assessment statistics: the public-health methods PHE/OHID publish, for many units at once.

Pure functions over pandas dataframes, vectorised across units (practices, areas) and groups
(conditions): crude prevalence and rates with Wilson/Byar/exact limits, directly standardised
rates (ESP2013, Dobson limits), indirectly standardised ratios, expected prevalence and
diagnosis rates, funnel plot limits with over-dispersion, register projections and peer groups.
See docs/guide/needs.md.
"""

from importlib import import_module

#: where each public name lives; submodules are imported on first use (PEP 562), so that a
#: command-line verb can read a constant without loading SciPy
_WHERE = {
    "DataProblem": "_data",
    "crude_proportion": "crude",
    "crude_rate": "crude",
    "dsr": "dsr",
    "diagnosis_rate": "expected",
    "expected_prevalence": "expected",
    "funnel": "funnel",
    "byar": "intervals",
    "dobson": "intervals",
    "exact_poisson": "intervals",
    "poisson_interval": "intervals",
    "wilson": "intervals",
    "expected_counts": "isr",
    "isr": "isr",
    "peer_groups": "peers",
    "project_prevalence": "projection",
    "ESP2013_BANDS": "standard_population",
    "ESP2013_WEIGHTS": "standard_population",
    "esp2013": "standard_population",
    "parse_age_band": "standard_population",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
