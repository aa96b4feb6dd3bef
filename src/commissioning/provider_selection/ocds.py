"""Open Contracting Data Standard (OCDS 1.1.5) release packages of awards, out and in.

Out: :func:`release_package` makes one release (tag ``award``) for the latest finalised version
of each decision record the user may read: the buyer (the community's commissioner) and the
supplier and tenderers as parties identified by ODS code (scheme ``GB-NHS``), the tender (the
process as ``procurementMethodDetails``, the services as items with their CPV code), the award
and the contract. Values are left out for roles that may not see them. Every package is checked
against the vendored release-package schema (``ocds_schema/``) with ``jsonschema`` before it
leaves.

In: :func:`import_package` reads a release package (checked against the same schema) into the
contract register: each release's contracts become, or update, contracts of a community, matched
by reference; the supplier is found by its ODS code (``GB-NHS`` identifiers, or the party id).
The import is all or nothing and every problem is reported with its place in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from commissioning.errors import InputError, Problem, UserError
from commissioning.provider_selection import records
from commissioning.provider_selection.models import DecisionRecord, Process
from commissioning.store.models import (
    Contract,
    Organisation,
    PaymentForm,
    ProcurementRoute,
)

SCHEMA_DIR = Path(__file__).with_name("ocds_schema")
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
OCID_PREFIX = "ocds-commissioning"
SCHEME = "GB-NHS"
METHODS = {
    Process.DIRECT_A: "direct",
    Process.DIRECT_B: "direct",
    Process.DIRECT_C: "direct",
    Process.MOST_SUITABLE: "limited",
    Process.COMPETITIVE: "open",
}
ROUTES_BY_METHOD = {
    "direct": ProcurementRoute.DIRECT_AWARD,
    "limited": ProcurementRoute.NEW,
    "open": ProcurementRoute.TENDERED,
    "selective": ProcurementRoute.TENDERED,
}


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text())
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    registry = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def schema_errors(package: dict) -> list[str]:
    """Where ``package`` breaks the OCDS 1.1.5 release-package schema (empty when valid)."""
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(the package)'}: {e.message}"
        for e in errors
    ]


def _party(org: Organisation, roles: list[str]) -> dict:
    return {
        "id": f"{SCHEME}-{org.ods_code}",
        "name": org.name,
        "identifier": {"scheme": SCHEME, "id": org.ods_code, "legalName": org.name},
        "roles": roles,
    }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def _value(amount, hidden: bool) -> dict | None:
    if hidden or amount is None:
        return None
    return {"amount": float(amount), "currency": "GBP"}


def _release(user, record: DecisionRecord) -> dict:
    from commissioning.access import policy

    hidden = "estimated_value" in policy.hidden_fields(user, DecisionRecord)
    community = record.community
    ocid = f"{OCID_PREFIX}-{community.code}-{record.reference}"
    buyer = community.commissioner
    parties: dict[str, dict] = {}

    def add(org, role):
        party = parties.setdefault(org.pk, _party(org, []))
        if role not in party["roles"]:
            party["roles"].append(role)
        return {"id": party["id"], "name": org.name}

    buyer_ref = add(buyer, "buyer")
    add(buyer, "procuringEntity")
    tenderers = [add(c.provider, "tenderer") for c in records.considered_for(user, record)]
    supplier = add(record.chosen_provider, "supplier")
    value = _value(record.estimated_value, hidden)
    period = {"startDate": _iso(record.contract_start), "endDate": _iso(record.contract_end)}
    contract_id = record.awarded_contract.reference if record.awarded_contract else ocid
    tender = {
        "id": record.reference,
        "title": record.title,
        "description": record.description or record.title,
        "status": "complete",
        "procurementMethod": METHODS[record.process],
        "procurementMethodDetails": f"{record.get_process_display()} (Provider Selection Regime)",
        "procurementMethodRationale": record.reasons,
        "items": [
            {
                "id": str(s.pk),
                "description": s.name,
                **(
                    {"classification": {"scheme": "CPV", "id": record.cpv_code}}
                    if record.cpv_code
                    else {}
                ),
            }
            for s in record.services.order_by("pk")
        ],
        "tenderers": tenderers,
        "numberOfTenderers": len(tenderers),
    }
    award = {
        "id": f"{record.reference}-award",
        "title": record.title,
        "status": "active",
        "date": _iso(record.award_date),
        "suppliers": [supplier],
        "contractPeriod": period,
    }
    contract = {
        "id": contract_id,
        "awardID": award["id"],
        "title": record.title,
        "status": "active",
        "period": period,
    }
    if value:
        tender["value"] = award["value"] = contract["value"] = value
    return {
        "ocid": ocid,
        "id": f"{ocid}-v{record.version}",
        "date": record.finalised_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": list(parties.values()),
        "buyer": buyer_ref,
        "tender": tender,
        "awards": [award],
        "contracts": [contract],
    }


def release_package(user, community, *, base: str = "https://example.invalid/") -> dict:
    """The community's finalised awards the user may read, as a validated release package."""
    releases = []
    for r in records.visible_records(user, community):
        finals = [v for v in records.versions_of(user, r) if v.is_final]
        if finals:
            releases.append(_release(user, finals[-1]))
    published = max(
        (r["date"] for r in releases),
        default=timezone.now().astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    ).replace("+00:00", "Z")
    package = {
        "uri": f"{base.rstrip('/')}/communities/{community.code}/provider-selection/ocds.json",
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": community.commissioner.name},
        "license": "http://opendatacommons.org/licenses/pddl/1.0/",
        "releases": releases,
    }
    if not releases:
        # The schema wants at least one release: an empty register is reported, not published.
        raise UserError(f"{community.name} has no finalised award to publish yet")
    errors = schema_errors(package)
    if errors:  # our own output failing the schema is a defect, never the user's doing
        raise AssertionError("OCDS release package fails its schema: " + "; ".join(errors[:5]))
    return package


def _date(text, where: list[Problem], name: str, place: str) -> dt.date | None:
    if not text:
        where.append(Problem(name, None, place, "expected a date, found nothing"))
        return None
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00")).date()
    except ValueError:
        where.append(Problem(name, None, place, f"expected a date, found '{text}'"))
        return None


def _supplier_ods(release: dict, supplier: dict) -> str | None:
    for party in release.get("parties", []):
        if party.get("id") == supplier.get("id"):
            ident = party.get("identifier") or {}
            if ident.get("scheme") == SCHEME and ident.get("id"):
                return str(ident["id"])
    sid = str(supplier.get("id", ""))
    return sid.removeprefix(f"{SCHEME}-") if sid.startswith(f"{SCHEME}-") else None


def import_package(data: bytes | str, community, *, name: str = "release package") -> dict:
    """Read an OCDS release package into ``community``'s contract register (all or nothing).

    Returns counts of contracts created and updated.
    """
    try:
        package = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, None, None, f"is not JSON ({exc})")]) from None
    errors = (
        schema_errors(package) if isinstance(package, dict) else ["(the package): not an object"]
    )
    if errors:
        raise InputError(
            [
                Problem(
                    name,
                    None,
                    e.split(":")[0],
                    "does not follow the OCDS 1.1 release package schema: " + e.split(": ", 1)[-1],
                )
                for e in errors[:20]
            ],
            more=max(0, len(errors) - 20),
        )
    problems: list[Problem] = []
    planned = []
    for i, release in enumerate(package["releases"]):
        awards = {a.get("id"): a for a in release.get("awards", [])}
        method = (release.get("tender") or {}).get("procurementMethod") or ""
        for j, contract in enumerate(release.get("contracts", [])):
            place = f"releases/{i}/contracts/{j}"
            award = awards.get(contract.get("awardID"), {})
            suppliers = award.get("suppliers") or []
            if not suppliers:
                problems.append(Problem(name, None, place, "its award names no supplier"))
                continue
            ods = _supplier_ods(release, suppliers[0])
            provider = Organisation.objects.filter(ods_code=ods).first() if ods else None
            if provider is None:
                problems.append(
                    Problem(
                        name,
                        None,
                        place,
                        f"the supplier {suppliers[0].get('name', '')!r} has no known ODS code "
                        f"({ods or 'no GB-NHS identifier'}); add the organisation first",
                    )
                )
                continue
            period = contract.get("period") or award.get("contractPeriod") or {}
            start = _date(period.get("startDate"), problems, name, f"{place}/period/startDate")
            end = _date(period.get("endDate"), problems, name, f"{place}/period/endDate")
            value = (contract.get("value") or award.get("value") or {}).get("amount")
            if start is None or end is None:
                continue
            if end < start:
                problems.append(Problem(name, None, f"{place}/period", "ends before it starts"))
                continue
            years = Decimal((end - start).days + 1) / Decimal("365.25")
            annual = (
                (Decimal(str(value)) / max(years, Decimal(1))).quantize(Decimal("0.01"))
                if value is not None
                else None
            )
            planned.append(
                {
                    "reference": str(contract["id"])[:60],
                    "title": str(contract.get("title") or award.get("title") or contract["id"])[
                        :200
                    ],
                    "provider": provider,
                    "start_date": start,
                    "end_date": end,
                    "annual_value": annual,
                    "procurement_route": ROUTES_BY_METHOD.get(method, ""),
                    "place": place,
                }
            )
    for p in planned:
        other = Contract.objects.filter(reference=p["reference"]).exclude(community=community)
        if other.exists():
            problems.append(
                Problem(name, None, p["place"], f"{p['reference']} is another community's contract")
            )
    if problems:
        raise InputError(problems[:20], more=max(0, len(problems) - 20))
    created = updated = 0
    with transaction.atomic():
        for p in planned:
            existing = Contract.objects.filter(reference=p["reference"]).first()
            fields = {
                "title": p["title"],
                "provider": p["provider"],
                "start_date": p["start_date"],
                "end_date": p["end_date"],
                "procurement_route": p["procurement_route"],
            }
            if p["annual_value"] is not None:
                fields["annual_value"] = p["annual_value"]
            if existing is None:
                Contract.objects.create(
                    reference=p["reference"],
                    community=community,
                    commissioner=community.commissioner,
                    payment_form=PaymentForm.OTHER,
                    annual_value=fields.pop("annual_value", Decimal(0)),
                    **fields,
                )
                created += 1
            else:
                changed = any(getattr(existing, k) != v for k, v in fields.items())
                if changed:
                    for k, v in fields.items():
                        setattr(existing, k, v)
                    existing.save()
                    updated += 1
    return {"created": created, "updated": updated, "unchanged": len(planned) - created - updated}
