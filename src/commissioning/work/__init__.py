"""The work of commissioning: developments, the activities and hours behind them, spend, pace,
drivers, market conditions and the effective-commissioning scorecard.

(In this field "practice" means a GP practice, so this feature is called the work of
commissioning.) :mod:`.presenter` turns a community's records into the figures and tables that
the pages, reports, API and command line show; the engines are in
:mod:`commissioning.analytics.work`.
"""
