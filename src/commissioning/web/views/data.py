"""Data in and out on the web: the import page, the templates, and CSV/XLSX exports of lists.

Imports use the same checked, all-or-nothing importer as ``commissioning import``; before
anything is written, the upload is also checked against what the signed-in user may change
(:mod:`commissioning.access.policy`): commissioners import only their own community's records,
providers only indicator observations of their own organisation and its services, administrators
anything; viewers import nothing. Exports hold only what the user may read, with money emptied for
viewers, and text that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from commissioning.access import policy
from commissioning.access.communities import community_or_404
from commissioning.errors import InputError, Problem, UserError
from commissioning.indicators.scope import import_problems
from commissioning.ingest.kinds import KINDS, Kind
from commissioning.ingest.names import ORDER
from commissioning.store.models import (
    Contract,
    Organisation,
    Person,
    Role,
)
from commissioning.tables import csv_text

SUFFIXES = (".csv", ".xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The command line's advice, in the words of this page.
WEB_WORDS = (
    (
        "use --kind KIND, or start from `commissioning template KIND`",
        "choose the kind of records on this page, or start from one of its templates",
    ),
    ("--kind", "the kind of records"),
    (
        "give --allow-emptying to empty stored values",
        "tick \u201cLet this import empty stored values\u201d to empty them",
    ),
    ("--community", "the community"),
)
# The lists of the community page that can be downloaded, in page order.
LIST_KINDS = ("developments", "organisations", "services", "contracts")


def upload_limit() -> int:
    """The largest upload accepted, in bytes (IMPORT_MAX_UPLOAD_SIZE, else the request limit)."""
    return int(
        getattr(settings, "IMPORT_MAX_UPLOAD_SIZE", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def _megabytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    return f"{n / 1024:.3g} KB"


# -- who may import what ------------------------------------------------------------------------


def import_refusal(user) -> str | None:
    """Why ``user`` may not import on this page (None when they may)."""
    scope = policy.scope_of(user)
    if scope is None:
        return "Your login has no role, so it cannot import records."
    if scope.is_admin or scope.role == Role.COMMISSIONER:
        return None
    if scope.role == Role.PROVIDER:
        if scope.organisation_id is not None:
            return None
        return (
            "Your provider login is not linked to an organisation, so it cannot import "
            "indicator observations: ask an administrator to link it."
        )
    return "Viewers can see this community's records but cannot import or change them."


#: What a provider imports: its own organisation's observations. (Providers also log activities
#: on the developments they are partners of, but through the development page's form, which
#: checks each one; an import matches activities by date and title on any development.)
PROVIDER_KINDS = {"observations"}


def importable_kinds(user) -> list[Kind]:
    """The kinds ``user`` may both add and change (shared records are for administrators)."""
    scope = policy.scope_of(user)
    provider = scope is not None and scope.role == Role.PROVIDER
    return [
        KINDS[name]
        for name in ORDER
        if policy.editable(user, KINDS[name].model_class(), policy.ADD)
        and policy.editable(user, KINDS[name].model_class(), policy.CHANGE)
        and (not provider or name in PROVIDER_KINDS)
    ]


def _items(value) -> list[str]:
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def readable_for(user):
    """For :func:`commissioning.ingest.validate.check_upload`: the records ``user``'s import may
    refer to (:func:`commissioning.access.policy.referable`)."""
    return policy.referable(user)


def _outside(community, codes: pd.Series) -> pd.Series:
    """Which ODS codes (one per cell) are not organisations taking part in ``community``."""
    named = codes[codes != ""].unique().tolist()
    inside = set(
        Organisation.objects.filter(
            ods_code__in=named, pk__in=policy.community_organisations(community.pk)
        ).values_list("ods_code", flat=True)
    )
    return (codes != "") & ~codes.isin(inside)


def community_organisation_problems(community, batches: dict) -> list[Problem]:
    """Groupings and people of ``community`` name only organisations taking part in it.

    Every importer alike, administrators too: the community's pages leave any other
    organisation out, so such a row would be stored but never shown.
    """
    problems: list[Problem] = []
    where = f"is not an organisation of community '{community.code}'"
    if "groupings" in batches:
        frame = batches["groupings"].frame
        ours = frame["community"].astype(str) == community.code
        for _, r in frame.loc[ours].iterrows():
            items = pd.Series(_items(r["member_ods"]), dtype=str)
            for code in items[_outside(community, items)]:
                problems.append(
                    Problem(str(r["__file"]), int(r["__row"]), "member_ods", f"'{code}' {where}")
                )
    if "people" in batches:
        frame = batches["people"].frame
        ours = frame["communities"].map(lambda v: community.code in _items(v)).astype(bool)
        outside = ours & _outside(community, frame["organisation_ods"].astype(str))
        for _, r in frame.loc[outside].iterrows():
            problems.append(Problem(str(r["__file"]), int(r["__row"]), "organisation_ods", where))
    return problems


def scope_problems(user, community, batches: dict) -> list[Problem]:
    """Rows of a checked upload that lie outside what a (non-administrator) user may change."""
    if policy.is_admin(user):
        return []
    code = community.code
    scope = policy.scope_of(user)
    allowed = {k.name for k in importable_kinds(user)}
    problems: list[Problem] = []

    def rows(frame: pd.DataFrame, mask, column: str, message: str) -> None:
        for _, r in frame.loc[mask].iterrows():
            problems.append(Problem(str(r["__file"]), int(r["__row"]), column, message))

    for name, batch in batches.items():
        kind, frame = batch.kind, batch.frame
        if name not in allowed:
            if scope.role == Role.PROVIDER:
                why = (
                    "which providers cannot import: providers import indicator observations "
                    "for their own organisation only"
                )
            else:
                why = "which only administrators import (they are shared by every community)"
            for file in batch.files:
                problems.append(Problem(file, None, None, f"holds {kind.title.lower()}, {why}"))
            continue
        if kind.community_scoped:
            other = frame["community"].astype(str) != code
            if name == "observations":  # an organisation's observations name no community
                other &= frame["service"].astype(str) != ""
            rows(frame, other, "community", f"you can import records of community '{code}' only")
        if name == "people":
            theirs = set(policy.visible(user, Person).values_list("name", flat=True))
            elsewhere = set(
                Person.objects.filter(name__in=frame["name"].astype(str).tolist())
                .exclude(name__in=theirs)
                .values_list("name", flat=True)
            )
            rows(
                frame,
                frame["name"].astype(str).isin(elsewhere),
                "name",
                "a person of this name belongs to another community: ask an administrator",
            )
            outside = frame["communities"].map(lambda v: any(c != code for c in _items(v)))
            rows(frame, outside, "communities", f"you can add people to '{code}' only")
        if name == "contracts":
            refs = frame["reference"].astype(str).tolist()
            taken = set(
                Contract.objects.filter(reference__in=refs)
                .exclude(community=community)
                .values_list("reference", flat=True)
            )
            rows(
                frame,
                frame["reference"].astype(str).isin(taken),
                "reference",
                "a contract with this reference belongs to another community",
            )
        if name in ("indicators", "observations"):  # codes are shared by every community
            problems += import_problems(user, community, batches, name)
        if name in ("incentives", "contract_lines", "contract_plans", "contract_actuals"):
            ours = set(
                policy.visible(user, Contract)
                .filter(community=community)
                .values_list("reference", flat=True)
            )
            if "contracts" in batches:
                ours |= set(batches["contracts"].frame["reference"].astype(str))
            rows(
                frame,
                ~frame["contract_reference"].astype(str).isin(ours),
                "contract_reference",
                f"is not a contract of community '{code}'",
            )
        if name == "observations" and scope.role == Role.PROVIDER:
            own = Organisation.objects.get(pk=scope.organisation_id).ods_code
            mine = (frame["organisation_ods"].astype(str) == own) | (
                frame["service_provider_ods"].astype(str) == own
            )
            rows(
                frame,
                ~mine,
                "organisation_ods",
                f"you can import observations of your own organisation ({own}) "
                "and its services only",
            )
        if name == "observations":
            rows(
                frame,
                _outside(community, frame["organisation_ods"].astype(str)),
                "organisation_ods",
                f"is not an organisation of community '{code}'",
            )
    return problems


# -- the import page ----------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to harmless characters (its suffix kept)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" .") or "upload"
    return base[-120:]


def _run_import(
    user, community, uploads, kind: str | None, dry_run: bool, allow_emptying: bool = False
) -> dict:
    from commissioning.ingest.load import load
    from commissioning.ingest.readers import read
    from commissioning.ingest.validate import check_upload
    from commissioning.store.audit import acting_as
    from commissioning.store.models.audit import Channel
    from commissioning.textfiles import UTF8

    with tempfile.TemporaryDirectory(prefix="commissioning-upload-") as folder:
        paths = []
        for i, upload in enumerate(uploads):
            sub = Path(folder) / str(i)
            sub.mkdir()
            path = sub / _safe_name(upload.name)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(path)
        prefixes = [f"{p.parent}/" for p in paths]

        def plain(text: str) -> str:
            for prefix in prefixes:
                text = text.replace(prefix, "")
            for command, page in WEB_WORDS:
                text = text.replace(command, page)
            return text

        notes: list[str] = []
        try:
            sheets = [sheet for path in paths for sheet in read(path)]
            # the encoding found, where it is not plain UTF-8 (as the command prints it)
            notes += [
                f"{s.file}: text in {s.encoding}" for s in sheets if s.encoding not in (None, UTF8)
            ]
            batches = check_upload(
                sheets,
                kind=kind,
                community=community.code,
                readable=readable_for(user),
                allow_emptying=allow_emptying,
                notes=notes,
            )
            outside = community_organisation_problems(community, batches)
            outside += scope_problems(user, community, batches)
            if outside:
                raise InputError(outside[:100], more=max(0, len(outside) - 100))
            with acting_as(user, Channel.IMPORT):
                counts = load(batches, dry_run=dry_run)
        except InputError as exc:
            problems = [
                Problem(plain(p.file), p.row, p.column, plain(p.message)) for p in exc.problems
            ]
            return {"problems": problems, "more": exc.more}
        except UserError as exc:
            return {"message": plain(str(exc))}
    return {
        "counts": [
            {"kind": KINDS[name].title, "name": name, "counts": c} for name, c in counts.items()
        ],
        "dry_run": dry_run,
        "notes": [plain(n) for n in notes],
    }


def import_page(request, code: str):
    community = community_or_404(request.user, code)
    user = request.user
    refusal = import_refusal(user)
    context = {
        "community": community,
        "refusal": refusal,
        "kinds": importable_kinds(user) if not refusal else [],
        "limit": _megabytes(upload_limit()),
        "errors": {},
    }
    if refusal:
        return render(request, "web/import.html", context, status=403)
    if request.method != "POST":
        return render(request, "web/import.html", context)

    limit = upload_limit()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + 1024 * 1024:  # refused before the body is read (the form adds a little)
        context["errors"]["file"] = f"The file is too large: the largest is {context['limit']}."
        return render(request, "web/import.html", context, status=413)

    uploads = request.FILES.getlist("file")
    kind = request.POST.get("kind") or None
    dry_run = request.POST.get("dry_run") == "yes"
    allow_emptying = request.POST.get("allow_emptying") == "yes"
    context.update({"kind": kind or "", "dry_run": dry_run, "allow_emptying": allow_emptying})
    if kind and kind not in {k.name for k in context["kinds"]}:
        context["errors"]["kind"] = "Choose a kind of record from the list."
    if not uploads:
        context["errors"]["file"] = "Choose a CSV or Excel (.xlsx) file to import."
    elif sum(u.size for u in uploads) > limit:
        context["errors"]["file"] = f"The file is too large: the largest is {context['limit']}."
        return render(request, "web/import.html", context, status=413)
    else:
        wrong = [u.name for u in uploads if Path(u.name).suffix.lower() not in SUFFIXES]
        if wrong:
            context["errors"]["file"] = (
                f"{_safe_name(wrong[0])} is not a CSV or Excel (.xlsx) file: "
                "save it as .csv or .xlsx."
            )
    if context["errors"]:
        return render(request, "web/import.html", context, status=400)
    result = _run_import(user, community, uploads, kind, dry_run, allow_emptying)
    context["result"] = result
    context["files"] = [_safe_name(u.name) for u in uploads]
    status = 200 if "counts" in result else 400
    return render(request, "web/import.html", context, status=status)


def import_template(request, code: str, kind: str, fmt: str):
    """An empty template for one kind: a header and an example row."""
    from commissioning.ingest.templates import write_template

    community_or_404(request.user, code)
    if kind not in KINDS or fmt not in CONTENT_TYPES:
        raise Http404("Not found")
    with tempfile.TemporaryDirectory(prefix="commissioning-template-") as folder:
        path = Path(folder) / f"{kind}.{fmt}"
        write_template(KINDS[kind], path)
        body = path.read_bytes()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{fmt}"'
    return response


# -- exports ------------------------------------------------------------------------------------


def export_frame(user, kind: Kind, community) -> pd.DataFrame:
    """The records of ``kind`` in ``community`` that ``user`` may read, in the import layout.

    Fields the user may not see (money, for viewers) are left empty; the writer
    (:mod:`commissioning.tables`) neutralises text that a spreadsheet would run as a formula. A
    download is a disclosure for every
    role, administrators included: small counts of patients in observations are suppressed
    (:func:`commissioning.export.disclose`). The exact copy is ``commissioning export
    --full`` or ``commissioning backup``, on the server.
    """
    from commissioning.analytics.disclosure import configured_policy
    from commissioning.export import columns_of, db_frame, disclose

    model = kind.model_class()
    frame = db_frame(kind, community.code)
    if not policy.is_admin(user):  # administrators read everything: no need to look
        readable = set(policy.visible(user, model).values_list("pk", flat=True))
        frame = frame[frame["id"].isin(readable)].reset_index(drop=True)
    hidden = policy.hidden_fields(user, model)
    for col in kind.columns:
        if col.path in hidden:
            frame[col.name] = ""
    frame = disclose(frame, kind, configured_policy())
    return frame[columns_of(frame, kind)]


def export_list(request, code: str, kind: str, fmt: str):
    from commissioning.export import write_xlsx

    community = community_or_404(request.user, code)
    if kind not in KINDS or fmt not in CONTENT_TYPES:
        raise Http404("Not found")
    k = KINDS[kind]
    frame = export_frame(request.user, k, community)
    if fmt == "xlsx":
        buf = io.BytesIO()
        write_xlsx({k.name: frame}, buf, kinds=[k])
        body = buf.getvalue()
    else:
        body = csv_text(frame).encode("utf-8-sig")
    name = f"{community.code}-{kind}-{dt.date.today().isoformat()}.{fmt}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_links(code: str, kinds=LIST_KINDS) -> dict[str, dict[str, str]]:
    """The download addresses of each list, for templates: {kind: {"csv": url, "xlsx": url}}."""
    return {
        kind: {fmt: reverse("export-list", args=[code, kind, fmt]) for fmt in CONTENT_TYPES}
        for kind in kinds
    }
