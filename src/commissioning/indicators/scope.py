"""Which indicator codes a login may use in a community: one answer for forms and imports.

Indicator codes are unique across every community, so a community's own indicators have codes of
their own (the community's code and a full stop: NORTH.FALLS_RATE). The indicator form and the
importer ask these functions, so a commissioner learns nothing about other communities' codes
by trying them.
"""

from __future__ import annotations

import pandas as pd

from commissioning.access import policy
from commissioning.errors import Problem
from commissioning.store.models import Indicator


def namespace(code: str) -> str | None:
    """The community a code names before its full stop ('NORTH.FALLS' -> 'north'), or None."""
    return code.split(".", 1)[0].lower() if "." in code else None


def code_problem(user, code: str, community: str | None) -> str | None:
    """Why ``user`` may not give a *new* indicator of ``community`` (a code; None: shared by
    every community) this ``code``, or None.

    Indicator codes are unique across all communities, so a community's own indicators have codes
    of their own: the community's code and a full stop (NORTH.FALLS_RATE). A commissioner may
    use no other new code, so the answer is the same whether or not another community already
    has an indicator with it: nobody learns another community's codes by trying them.
    """
    prefix = f"{community.upper()}." if community else None
    if namespace(code) is not None and namespace(code) != community:
        if community is None:
            return "a shared indicator's code has no community's code and full stop before it"
        return f"a code with a full stop must start {prefix} for community '{community}'"
    if community and not policy.is_admin(user) and namespace(code) != community:
        return (
            f"a new indicator of community '{community}' needs a code that starts {prefix} "
            f"(for example {prefix}{code.split('.')[-1] or 'LOCAL_1'}): codes are shared by "
            "every community, so each community's own start with its code"
        )
    return None


def import_problems(user, community, batches: dict, name: str) -> list[Problem]:
    """Rows of a (non-administrator's) upload that would use an indicator not theirs.

    Indicator codes are unique across every community, so a commissioner may not import a
    definition whose code is shared (it would change it for everyone), nor a new one outside
    their community's codes (:func:`code_problem`): the answer never depends on whether another
    community has an indicator with that code. Observations of an indicator their community
    cannot read are refused before this, as of one that does not exist
    (:func:`commissioning.access.policy.referable`).
    """
    frame = batches[name].frame
    if name == "indicators":
        codes = frame["code"].astype(str)
        known = Indicator.objects.filter(code__in=codes.tolist())
        ours = set(known.filter(community=community).values_list("code", flat=True))
        shared = set(known.filter(community=None).values_list("code", flat=True))
        taken = set(known.values_list("code", flat=True))
        problems = []
        for _, r in frame.iterrows():
            code = str(r["code"])
            if code in ours:
                continue  # the community's own: it may be changed
            if code in shared:
                why = (
                    "an indicator with this code is shared by every community, so only an "
                    "administrator can change it: choose another code"
                )
            else:
                why = code_problem(user, code, community.code)
                if why is None and code in taken:  # in this community's codes, yet another's
                    why = "an indicator with this code already exists: ask an administrator"
            if why:
                problems.append(Problem(str(r["__file"]), int(r["__row"]), "code", why))
        return problems
    else:
        codes = frame["indicator_code"].astype(str)
        readable = set(
            policy.visible(user, Indicator)
            .filter(code__in=codes.unique().tolist())
            .values_list("code", flat=True)
        )
        if "indicators" in batches:
            readable |= set(batches["indicators"].frame["code"].astype(str))
        mask, column = ~codes.isin(readable), "indicator_code"
        message = f"is not an indicator that community '{community.code}' can use"
    return [
        Problem(str(r["__file"]), int(r["__row"]), column, message)
        for _, r in frame.loc[pd.Series(mask, index=frame.index)].iterrows()
    ]
