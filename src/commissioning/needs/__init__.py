"""Needs assessment over the stored records: reads the ORM into dataframes, calls the pure
:mod:`commissioning.analytics.needs` functions and stores what they choose.

Sits between ``store``/``analytics`` and the layers that show or build things (``web``,
``reports``, ``demo``), so those can share it without importing one another.
"""
