"""Impact evaluation: what changed because of a service development, and how sure we can be.

Interrupted time series (:mod:`.its`), difference-in-differences with an event study
(:mod:`.did`), synthetic control (:mod:`.synthetic_control`), "when will we know?"
(:mod:`.power`), other changes in the same period touching the same things (:mod:`.attribution`),
labour of commissioning beside the effect (:mod:`.effort`) and plain-English caveats
(:mod:`.caveats`). Pure functions over pandas dataframes; no Django.
"""
