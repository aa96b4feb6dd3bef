"""Impact evaluation of one objective of a service development: lays out what
:func:`commissioning.evaluation.presenter.evaluate` returns."""

from __future__ import annotations

from django.shortcuts import render

from commissioning.access.communities import community_or_404
from commissioning.access.policy import visible_or_404
from commissioning.evaluation import presenter as ev
from commissioning.store.models import Objective, ServiceDevelopment


def objective_evaluation(request, code: str, slug: str, objective_id: int):
    community = community_or_404(request.user, code)
    development = visible_or_404(
        request.user,
        ServiceDevelopment.objects.select_related("community__commissioner", "parent"),
        community=community,
        slug=slug,
    )
    objective = visible_or_404(
        request.user,
        Objective.objects.select_related("indicator"),
        development=development,
        pk=objective_id,
    )
    context = {
        "community": community,
        "development": development,
        "objective": objective,
        "indicator": objective.indicator,
        "max_lag": ev.MAX_LAG,
    }
    if objective.indicator is None:
        context["message"] = "This objective names no indicator, so there is nothing to measure."
        return render(request, "web/evaluation.html", context)
    subjects = ev.subjects(request.user, development, objective.indicator)
    if not subjects:
        context["message"] = "No values of this indicator are recorded for this community."
        return render(request, "web/evaluation.html", context)
    keys = [s["key"] for s in subjects]
    options = ev.parse_options(request.GET, keys, keys[0])
    context.update({"subjects": subjects, "options": options})
    if options.errors:
        return render(request, "web/evaluation.html", context, status=400)
    context["evaluation"] = ev.evaluate(request.user, development, objective, options)
    return render(request, "web/evaluation.html", context)
