"""The statistical methods every surface names: one name and one reference each.

Pages, reports, command-line help and the guides cite a method by its key here, so a method is
called the same everywhere and called what it is. Keep a name honest: it says what is computed,
not what it is often called.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    name: str
    formula: str
    reference: str

    def sentence(self) -> str:
        return f"{self.name} ({self.formula})"


METHODS: dict[str, Method] = {
    "proportion_funnel_normal": Method(
        "normal approximation around the target proportion",
        "θ ± z·√(θ(1−θ)/n) at each unit's denominator n, clipped to 0-100%; θ is the pooled "
        "proportion unless a target is given",
        "PHE/OHID funnel plot method (PHEindicatormethods phe_funnels; PHStatsMethods "
        "calculate_funnel_limits): a unit is outside when the score test of its proportion "
        "against θ rejects",
    ),
    "proportion_funnel_exact": Method(
        "exact binomial limits with interpolation",
        "binomial quantiles at θ and n, interpolated as (r − α)/n",
        "Spiegelhalter (2005), Statistics in Medicine 24:1185",
    ),
    "ratio_funnel_exact": Method(
        "exact Poisson limits around 1",
        "the observed counts whose exact Poisson tail probability at the expected count is "
        "α/2, divided by the expected count",
        "PHE/OHID funnel tools",
    ),
    "proportion_interval_wilson": Method(
        "Wilson score interval",
        "the interval of proportions that a score test at the observed proportion does not reject",
        "Wilson (1927); Newcombe and Altman (2000); PHE Technical Guide: Confidence Intervals",
    ),
}


def name(key: str) -> str:
    return METHODS[key].name
