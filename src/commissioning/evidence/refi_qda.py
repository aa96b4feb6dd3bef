"""Projects in the REFI-QDA exchange format (.qdpx), to move to or from NVivo, ATLAS.ti, MAXQDA
and QualCoder.

A .qdpx file is a zip holding ``project.qde`` (XML in the namespace ``urn:QDA-XML:project:1.0``)
and a ``sources/`` folder. Each piece of evidence is a ``TextSource`` whose plain text is
``sources/<guid>.txt`` (``plainTextPath="internal://<guid>.txt"``); coded passages are
``PlainTextSelection`` elements (character positions, end excluded) holding one ``Coding`` per
code, each with a ``CodeRef`` to a ``Code`` in the ``CodeBook``. Evidence metadata (kind, date,
author, confidentiality, development) travel as text ``Variables``.

Importing keeps guids: a code or source already in the database (same guid) is reused, not
copied, so importing the same project twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from commissioning.errors import located

NS = "urn:QDA-XML:project:1.0"
Q = f"{{{NS}}}"
VARIABLES = ("Kind", "Date", "Author", "Confidentiality", "Development")
MAX_XML = 50 * 1024 * 1024


def _el(parent, tag, **attrs):
    el = ET.SubElement(parent, Q + tag) if parent is not None else ET.Element(Q + tag)
    for k, v in attrs.items():
        if v is not None:
            el.set(k, str(v))
    return el


def _stamp(value) -> str:
    if value is None:
        value = timezone.now()
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_project(community, evidence, path) -> dict:
    """Write ``evidence`` (a queryset) with its codes and coded passages to a .qdpx file."""
    from commissioning.evidence.models import Code, Passage

    ET.register_namespace("", NS)
    user_guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"commissioning:{community.code}"))
    project = _el(
        None,
        "Project",
        name=f"{community.name} evidence",
        origin="commissioning workbench",
        creatingUserGUID=user_guid,
        creationDateTime=_stamp(None),
    )
    users = _el(project, "Users")
    _el(users, "User", guid=user_guid, name=community.name)

    evidence = list(evidence.select_related("development"))
    passages = list(
        Passage.objects.filter(evidence__in=evidence).prefetch_related("codes").order_by("start")
    )
    used = {c.pk for p in passages for c in p.codes.all()}
    codebooks = {c.codebook_id for c in Code.objects.filter(pk__in=used)}
    codes = list(
        Code.objects.filter(codebook__in=codebooks)
        .select_related("codebook")
        .order_by("codebook", "order", "name")
    )
    book = _el(_el(project, "CodeBook"), "Codes")
    elements: dict[int | None, ET.Element] = {}
    pending = list(codes)
    while pending:  # parents before children
        rest = []
        for code in pending:
            parent = elements.get(code.parent_id, book) if code.parent_id else book
            if code.parent_id and code.parent_id not in elements:
                rest.append(code)
                continue
            el = _el(parent, "Code", guid=code.guid, name=code.name, isCodable="true")
            if code.description:
                _el(el, "Description").text = code.description
            elements[code.pk] = el
        if len(rest) == len(pending):
            break
        pending = rest

    variables = _el(project, "Variables")
    var_guid = {}
    for name in VARIABLES:
        var_guid[name] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"commissioning:variable:{name}"))
        _el(variables, "Variable", guid=var_guid[name], name=name, typeOfVariable="Text")

    sources = _el(project, "Sources")
    by_evidence: dict[int, list] = {}
    for p in passages:
        by_evidence.setdefault(p.evidence_id, []).append(p)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for ev in evidence:
            name = f"{ev.guid}.txt"
            zf.writestr(f"sources/{name}", ev.text.encode("utf-8"))
            source = _el(
                sources,
                "TextSource",
                guid=ev.guid,
                name=ev.title,
                plainTextPath=f"internal://{name}",
                creatingUser=user_guid,
                creationDateTime=_stamp(ev.added),
            )
            for p in by_evidence.get(ev.pk, []):
                sel = _el(
                    source,
                    "PlainTextSelection",
                    guid=p.guid,
                    name=p.text[:60],
                    startPosition=p.start,
                    endPosition=p.end,
                    creatingUser=user_guid,
                    creationDateTime=_stamp(p.added),
                )
                if p.memo:
                    _el(sel, "Description").text = p.memo
                for code in p.codes.all():
                    coding = _el(
                        sel,
                        "Coding",
                        guid=uuid.uuid5(p.guid, str(code.guid)),
                        creatingUser=user_guid,
                        creationDateTime=_stamp(p.added),
                    )
                    _el(coding, "CodeRef", targetGUID=code.guid)
            values = {
                "Kind": ev.kind,
                "Date": ev.date.isoformat() if ev.date else "",
                "Author": ev.author,
                "Confidentiality": ev.confidentiality,
                "Development": ev.development.slug if ev.development else "",
            }
            for vname, value in values.items():
                vv = _el(source, "VariableValue")
                _el(vv, "VariableRef", targetGUID=var_guid[vname])
                _el(vv, "TextValue").text = value
        xml = ET.tostring(project, encoding="utf-8", xml_declaration=True)
        zf.writestr("project.qde", xml)
    return {"sources": len(evidence), "codes": len(codes), "passages": len(passages)}


def _text_of(zf: zipfile.ZipFile, source: ET.Element, file: str) -> str:
    content = source.find(Q + "PlainTextContent")
    if content is not None and content.text is not None:
        return content.text
    target = source.get("plainTextPath") or ""
    if target.startswith("internal://"):
        member = "sources/" + target.removeprefix("internal://")
        try:
            return zf.read(member).decode("utf-8")
        except KeyError:
            raise located(
                file, None, None, f"the project names {member} but it is not in the file"
            ) from None
    raise located(
        file, None, None, f"source '{source.get('name')}' has no text inside the project file"
    )


@transaction.atomic
def import_project(community, path) -> dict:
    """Read a .qdpx file into ``community``: its sources as evidence, its codes and codings."""
    from commissioning.evidence.models import Code, Codebook, Evidence, Passage

    file = str(path)
    if not Path(path).exists():
        raise located(file, None, None, "no such file")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise located(file, None, None, "not a REFI-QDA project (.qdpx is a zip file)") from None
    with zf:
        try:
            info = zf.getinfo("project.qde")
        except KeyError:
            raise located(
                file, None, None, "no project.qde inside: not a REFI-QDA project"
            ) from None
        if info.file_size > MAX_XML:
            raise located(file, None, None, "project.qde is too large")
        try:
            root = ET.fromstring(zf.read(info))
        except ET.ParseError as exc:
            raise located(file, None, None, f"project.qde is not well-formed XML ({exc})") from None
        if root.tag != Q + "Project":
            raise located(file, None, None, "project.qde is not a REFI-QDA Project")

        book_name = f"Imported: {root.get('name') or Path(path).stem}"[:200]
        codebook = None
        code_by_guid: dict[str, Code] = {}
        used_keys: set[str] = set()

        def walk(el, parent):
            nonlocal codebook
            for child in el.findall(Q + "Code"):
                guid = child.get("guid")
                code = Code.objects.filter(guid=guid).first() if guid else None
                if code is None:
                    if codebook is None:
                        codebook, _ = Codebook.objects.get_or_create(
                            community=community, name=book_name
                        )
                        used_keys.update(codebook.codes.values_list("key", flat=True))
                    name = child.get("name") or "Unnamed code"
                    key = base = slugify(name)[:50] or "code"
                    n = 2
                    while key in used_keys:
                        key, n = f"{base}-{n}", n + 1
                    used_keys.add(key)
                    desc = child.find(Q + "Description")
                    code = Code.objects.create(
                        guid=uuid.UUID(guid) if guid else uuid.uuid4(),
                        codebook=codebook,
                        parent=parent,
                        key=key,
                        name=name[:200],
                        description=(desc.text or "") if desc is not None else "",
                        order=len(used_keys),
                    )
                if guid:
                    code_by_guid[guid] = code
                walk(child, code)

        codes_el = root.find(f"{Q}CodeBook/{Q}Codes")
        if codes_el is not None:
            walk(codes_el, None)
        variables = {
            v.get("guid"): v.get("name") for v in root.iter(Q + "Variable") if v.get("guid")
        }
        developments = {d.slug: d for d in community.developments.all()}
        counts = {"sources": 0, "codes": len(code_by_guid), "passages": 0, "skipped": 0}
        sources_el = root.find(Q + "Sources")
        candidates = []
        if sources_el is not None:
            candidates += [(s, s) for s in sources_el.findall(Q + "TextSource")]
            for pdf in sources_el.findall(Q + "PDFSource"):
                for rep in pdf.findall(Q + "Representation"):
                    candidates.append((pdf, rep))
        for outer, source in candidates:
            guid = outer.get("guid")
            if guid and Evidence.objects.filter(guid=guid).exists():
                counts["skipped"] += 1
                continue
            text = _text_of(zf, source, file)
            meta = {}
            for vv in outer.findall(Q + "VariableValue"):
                ref = vv.find(Q + "VariableRef")
                value = vv.find(Q + "TextValue")
                if ref is not None and value is not None:
                    meta[variables.get(ref.get("targetGUID"), "")] = value.text or ""
            try:
                date = dt.date.fromisoformat(meta.get("Date", ""))
            except ValueError:
                date = None
            kind = meta.get("Kind", "")
            confidentiality = meta.get("Confidentiality", "")
            evidence = Evidence.objects.create(
                guid=uuid.UUID(guid) if guid else uuid.uuid4(),
                community=community,
                development=developments.get(meta.get("Development", "")),
                title=(outer.get("name") or "Imported source")[:250],
                kind=kind if kind in dict(Evidence._meta.get_field("kind").choices) else "other",
                date=date,
                author=meta.get("Author", "")[:200],
                confidentiality=confidentiality
                if confidentiality in ("public", "internal", "confidential")
                else "confidential",
                filename=(outer.get("name") or "")[:250],
                text=text,
                content=text.encode("utf-8"),
                size=len(text.encode("utf-8")),
            )
            counts["sources"] += 1
            for sel in source.findall(Q + "PlainTextSelection"):
                try:
                    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    raise located(
                        file, None, None, f"selection {sel.get('guid')} has no valid positions"
                    ) from None
                start, end = max(0, start), min(end, len(text))
                codes = [
                    code_by_guid[ref.get("targetGUID")]
                    for ref in sel.iter(Q + "CodeRef")
                    if ref.get("targetGUID") in code_by_guid
                ]
                if end <= start or not codes:
                    continue
                desc = sel.find(Q + "Description")
                sguid = sel.get("guid")
                passage = Passage.objects.create(
                    guid=uuid.UUID(sguid)
                    if sguid and not Passage.objects.filter(guid=sguid).exists()
                    else uuid.uuid4(),
                    evidence=evidence,
                    start=start,
                    end=end,
                    memo=(desc.text or "") if desc is not None else "",
                )
                passage.codes.add(*codes)
                counts["passages"] += 1
    return counts
