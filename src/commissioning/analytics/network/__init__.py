"""Influence networks: who shapes clinical practice, and where commissioners stand in it.

An influence network comes from a survey that asks people (usually GPs) whom they go to for
advice about a condition. Each answer is a tie *respondent -> source*, read as "the respondent
goes to the source for advice"; influence flows the other way. The modules here build the
network (:mod:`graph`), measure it (:mod:`measures`, :mod:`source_types`, :mod:`reach`), check
how much non-response could change the picture (:mod:`response`), build the co-participation
network of people who meet in commissioning activities (:mod:`coparticipation`), compare
commissioning communities (:mod:`compare`) and pseudonymise respondents in anything shown
(:mod:`pseudonyms`). Pure functions over pandas dataframes and networkx graphs; no Django.
"""
