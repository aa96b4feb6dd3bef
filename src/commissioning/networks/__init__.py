"""Name-generator surveys ("who do you go to for advice on X?") and the influence-network pages.

Commissioners build a survey, list the people invited, hand out one-time links and follow up
non-responders; respondents answer on a page that needs no account. The network pages draw the
influence network (and the co-participation network of recorded activities) from the answers,
with every person shown only under a pseudonym.
"""
