"""Pages: the survey builder (commissioners), the public response form and the network page.

One module for each: :mod:`.surveys` (build a survey, invite people, give out links, remind,
response rates), :mod:`.respond` (the public response form) and :mod:`.influence` (the influence
and co-participation networks). What they share is in the feature: the records a login may read
(:mod:`commissioning.networks.records`) and the tables (:mod:`commissioning.networks.tables`).

Access follows :mod:`commissioning.access.policy`: a community's commissioners build and run
its surveys, its viewers read them (and cannot change anything), providers and other
communities get "page not found". The response page ``/s/<token>/`` needs no account: the
one-time token is the respondent's only key, and it shows nothing but the question and their
own form.
"""
