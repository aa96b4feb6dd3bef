"""Impact evaluation of service developments: did the objective's indicator change when the
development went live, and what else changed at the same time?

:mod:`.records` reads the series, comparators and concurrent changes through the access policy;
:mod:`.presenter` runs the impact engine (:mod:`commissioning.analytics.impact`) and returns
what the evaluation page and the board reports show.
"""
