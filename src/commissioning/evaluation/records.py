"""The records an impact evaluation reads, through the access policy.

- **Subjects and series**: the monthly observations of the objective's indicator for one
  *subject*: the community's commissioner organisation or one of the development's services.
- **Comparators** for difference-in-differences: the commissioner series of the same indicator
  in every other community in the database, except those changing it themselves at the time (a
  development of theirs aims at the same indicator and went live while the evaluated series
  runs). Like the England stand-in on the needs pages, these are community-level figures of
  other areas, used only as a comparison.
- **Attribution**: other developments, contract starts and ends and organisational changes
  recorded for the community that touch the same indicator, services or population.
"""

from __future__ import annotations

import pandas as pd

from commissioning.access.policy import visible
from commissioning.analytics.disclosure import configured_policy, shown_values
from commissioning.analytics.impact.attribution import concurrent_changes
from commissioning.store.models import (
    CommissioningCommunity,
    Contract,
    Observation,
    OrganisationalChange,
    ServiceDevelopment,
)

# --- the series ---------------------------------------------------------------------------------


def subjects(user, development, indicator) -> list[dict]:
    """The series of ``indicator`` the page may evaluate: commissioner first, then services.

    Each is ``{"key", "label", "months"}``; only subjects with at least one value are listed.
    """
    community = development.community
    rows = []
    base = visible(user, Observation).filter(indicator=indicator, value__isnull=False)
    if community.commissioner_id:
        n = base.filter(organisation_id=community.commissioner_id).count()
        if n:
            rows.append(
                {
                    "key": f"org-{community.commissioner_id}",
                    "label": f"{community.commissioner.name} (commissioner)",
                    "months": n,
                }
            )
    for service in development.services.select_related("provider").order_by("name"):
        n = base.filter(service=service).count()
        if n:
            rows.append(
                {
                    "key": f"service-{service.pk}",
                    "label": f"{service.name} ({service.provider.name})",
                    "months": n,
                }
            )
    return rows


def _shown(indicator, rows) -> pd.DataFrame:
    """``date``, ``value`` from (period, value, numerator, denominator) rows: the values as
    every surface shows them (:func:`commissioning.analytics.disclosure.shown_values`), those
    hidden by the small-numbers rule left out, as if not recorded."""
    df = pd.DataFrame(list(rows), columns=["date", "value", "numerator", "denominator"])
    for column in ("value", "numerator", "denominator"):
        df[column] = pd.to_numeric(df[column], errors="coerce").astype(float)
    patient_counts = pd.Series(bool(indicator.patient_counts), index=df.index)
    df["value"] = shown_values(df, patient_counts, configured_policy())["value"]
    df = df.dropna(subset=["value"]).reset_index(drop=True)
    df["date"] = pd.to_datetime(df["date"])
    return df[["date", "value"]]


def series(user, indicator, subject_key: str) -> pd.DataFrame:
    """Monthly ``date``, ``value`` of ``indicator`` for subject ``org-<id>`` or ``service-<id>``:
    the values as shown (a value resting on a small count is left out)."""
    kind, _, pk = subject_key.partition("-")
    lookup = {"organisation_id": int(pk)} if kind == "org" else {"service_id": int(pk)}
    rows = (
        visible(user, Observation)
        .filter(indicator=indicator, value__isnull=False, **lookup)
        .order_by("period")
        .values_list("period", "value", "numerator", "denominator")
    )
    return _shown(indicator, rows)


def changing_comparators(indicator, community, first, last) -> dict[str, str]:
    """Other communities that cannot serve as comparators because they were changing the same
    measure themselves: one of their developments has an objective on ``indicator`` and went
    live (or, with no go-live date, started) between ``first`` and ``last``. Name -> reason."""
    out: dict[str, str] = {}
    developments = (
        ServiceDevelopment.objects.filter(objectives__indicator=indicator)
        .exclude(community=community)
        .select_related("community")
        .distinct()
        .order_by("community__name", "go_live_date", "pk")
    )
    for dev in developments:
        when = dev.go_live_date or dev.start_date
        if when is not None and first <= when <= last:
            out.setdefault(
                dev.community.name,
                f"{dev.community.name}: its own development “{dev.title}” aimed at the same "
                f"measure and went live in {when:%B %Y}",
            )
    return out


def comparator_panel(indicator, community, leave_out=()) -> pd.DataFrame:
    """``unit, date, value``: the commissioner series of ``indicator`` in every community (but
    the names in ``leave_out``), as shown (a value resting on a small count is left out)."""
    frames = []
    for other in (
        CommissioningCommunity.objects.exclude(commissioner=None)
        .exclude(name__in=list(leave_out))
        .order_by("name")
    ):
        rows = (
            Observation.objects.filter(
                indicator=indicator, organisation_id=other.commissioner_id, value__isnull=False
            )
            .order_by("period")
            .values_list("period", "value", "numerator", "denominator")
        )
        frames.append(_shown(indicator, rows).assign(unit=other.name))
    if not frames:
        return pd.DataFrame(
            {
                "unit": pd.Series(dtype=str),
                "date": pd.Series(dtype="datetime64[ns]"),
                "value": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)[["unit", "date", "value"]]


# --- attribution --------------------------------------------------------------------------------


def _names(values) -> list[str]:
    return sorted({str(v) for v in values if v})


def touches(development, indicator) -> dict[str, list[str]]:
    """What the evaluated development touches: the indicator, its services, its community."""
    return {
        "indicators": [indicator.name],
        "services": _names(s.name for s in development.services.all()),
        "populations": [development.community.name],
    }


def other_developments(user, development) -> pd.DataFrame:
    """Other developments of the community (not this one, its wider plan or its tasks).

    They touch the indicators of their objectives and their services; not the whole community,
    or every development would be listed.
    """
    related = {
        development.pk,
        development.parent_id,
        *development.children.values_list("pk", flat=True),
    }
    rows = []
    others = (
        visible(user, ServiceDevelopment)
        .filter(community=development.community)
        .exclude(pk__in=[pk for pk in related if pk])
        .prefetch_related("services", "objectives__indicator")
    )
    for dev in others:
        start = dev.go_live_date or dev.start_date
        if start is None:
            continue
        rows.append(
            {
                "name": dev.title,
                "start": start,
                "end": dev.end_date if dev.end_date and dev.end_date >= start else None,
                "indicators": _names(o.indicator.name for o in dev.objectives.all() if o.indicator),
                "services": _names(s.name for s in dev.services.all()),
            }
        )
    return pd.DataFrame(rows, columns=["name", "start", "end", "indicators", "services"])


def contract_changes(user, community) -> pd.DataFrame:
    """A contract start and a contract end are each a change to the services it covers."""
    rows = []
    for contract in (
        visible(user, Contract).filter(community=community).prefetch_related("services")
    ):
        services = _names(s.name for s in contract.services.all())
        label = f"{contract.title} ({contract.reference})"
        rows.append({"name": f"{label} begins", "start": contract.start_date, "services": services})
        rows.append({"name": f"{label} ends", "start": contract.end_date, "services": services})
    return pd.DataFrame(rows, columns=["name", "start", "services"])


def organisational_changes(user, community, development) -> pd.DataFrame:
    """Organisational changes recorded for the community: they touch its whole population.

    A change at the provider of one of the development's services touches that service too.
    """
    by_provider: dict[int, list[str]] = {}
    for service in development.services.all():
        by_provider.setdefault(service.provider_id, []).append(service.name)
    rows = []
    for change in visible(user, OrganisationalChange).filter(community=community):
        rows.append(
            {
                "name": change.description,
                "start": change.date,
                "populations": [community.name],
                "services": _names(by_provider.get(change.organisation_id, [])),
            }
        )
    return pd.DataFrame(rows, columns=["name", "start", "populations", "services"])


def attribution(user, development, indicator, window_start, window_end) -> pd.DataFrame:
    """Changes overlapping the window that touch the same indicator, services or community."""
    return concurrent_changes(
        window_start,
        window_end,
        touches(development, indicator),
        developments=other_developments(user, development),
        contract_changes=contract_changes(user, development.community),
        organisational_changes=organisational_changes(user, development.community, development),
    )
