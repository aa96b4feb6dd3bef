"""Adding evidence and coding passages: the operations shared by pages, CLI and import."""

from __future__ import annotations

from django.db import transaction

from commissioning.errors import UserError
from commissioning.evidence.extract import extract


def add_evidence(
    community,
    name: str,
    data: bytes,
    *,
    kind: str | None = None,
    confidentiality: str = "internal",
    development=None,
    activity=None,
    title: str = "",
    author: str = "",
    date=None,
    user=None,
):
    """Extract the text of one file and store it, with its metadata, as evidence."""
    from commissioning.evidence.models import Evidence

    found = extract(name, data)
    return Evidence.objects.create(
        community=community,
        development=development,
        activity=activity,
        title=(title or found.title)[:250],
        kind=kind or found.kind,
        date=date or found.date,
        author=(author or found.author)[:200],
        confidentiality=confidentiality,
        filename=name[:250],
        content=data,
        size=len(data),
        text=found.text,
        added_by=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def code_passage(evidence, start: int, end: int, codes, memo: str = ""):
    """Code the text from ``start`` to ``end`` (end excluded) with ``codes``.

    Coding the same stretch again adds the codes to the existing passage.
    """
    from commissioning.evidence.models import Passage

    if not 0 <= start < end <= len(evidence.text):
        raise UserError(
            f"the passage {start}–{end} is outside the text of '{evidence.title}' "
            f"({len(evidence.text)} characters)"
        )
    passage, _ = Passage.objects.get_or_create(
        evidence=evidence, start=start, end=end, defaults={"memo": memo}
    )
    passage.codes.add(*codes)
    return passage


def code_quote(evidence, quote: str, codes, memo: str = ""):
    """Code the first place where ``quote`` appears in the text."""
    quote = quote.strip()
    start = evidence.text.find(quote) if quote else -1
    if start < 0:
        raise UserError("that passage is not in the text: copy it exactly from the document")
    return code_passage(evidence, start, start + len(quote), codes, memo)
