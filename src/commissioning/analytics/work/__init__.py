"""The work of commissioning: labour, who commissions, money, pace, drivers, market and the
effective-commissioning scorecard.

Pure functions on the dataframes documented in :mod:`commissioning.store.frames` (one module per
family of measures); nothing here touches the database.
"""
