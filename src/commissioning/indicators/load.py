"""Writing library definitions into the database: by code, all or nothing, audited.

A library indicator is matched to the database by its code: a new code is added, a known one
whose definition differs is updated (and marked as coming from its library file), and the rest
are counted as unchanged. Conditions are found by slug; a slug the database does not know, or a
code already used by a community's own indicator, is a located problem and nothing is written.
Records are saved one at a time through the ORM, so the audit trail records each change, under
whoever :func:`commissioning.store.audit.acting_as` names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from commissioning.errors import InputError
from commissioning.indicators import MAX_PROBLEMS, DefinitionProblem, Library, read_files


@dataclass
class LoadResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.added):,} added, {len(self.updated):,} updated, "
            f"{len(self.unchanged):,} unchanged"
        )


def load_library(library: Library | None = None, *, dry_run: bool = False) -> LoadResult:
    """Upsert ``library`` (by default every shipped file) into the database in one transaction."""
    from django.db import transaction

    from commissioning.store.models import Condition, Indicator

    library = library if library is not None else read_files()
    definitions = library.definitions
    slugs = {s for d in definitions for s in d.conditions}
    conditions = {c.slug: c.pk for c in Condition.objects.filter(slug__in=slugs)}
    existing = {
        i.code: i
        for i in Indicator.objects.filter(code__in=[d.code for d in definitions])
        .select_related("community")
        .prefetch_related("conditions")
    }
    problems = []
    unknown: dict[tuple[str, str], list] = {}  # (file, slug) -> definitions naming it
    for d in definitions:
        for slug in d.conditions:
            if slug not in conditions:
                unknown.setdefault((d.file, slug), []).append(d)
    for (file, slug), users in unknown.items():
        d, more = users[0], len(users) - 1
        also = f" (as do {more} more indicators of this file)" if more else ""
        problems.append(
            DefinitionProblem(
                file,
                None,
                "conditions",
                f"names condition '{slug}', which is not in the database{also}: add the "
                "condition first (`commissioning import conditions.csv`, see "
                "docs/guide/import/conditions.md)",
                d.where,
                d.line,
            )
        )
    for d in definitions:
        own = existing.get(d.code)
        if own is not None and own.community_id is not None:
            problems.append(
                DefinitionProblem(
                    d.file,
                    None,
                    "code",
                    f"{d.code} is already the code of an indicator of community "
                    f"'{own.community.code}': rename one of them",
                    d.where,
                    d.line,
                )
            )
    if problems:
        raise InputError(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))

    result = LoadResult()
    with transaction.atomic():
        for d in definitions:
            values = d.values()
            wanted = {conditions[s] for s in d.conditions}
            indicator = existing.get(d.code)
            if indicator is None:
                indicator = Indicator.objects.create(code=d.code, **values)
                indicator.conditions.set(sorted(wanted))
                result.added.append(d.code)
                continue
            changed = [k for k, v in values.items() if getattr(indicator, k) != v]
            have = {c.pk for c in indicator.conditions.all()}
            if changed:
                for k in changed:
                    setattr(indicator, k, values[k])
                indicator.save(update_fields=changed)
            if have != wanted:
                indicator.conditions.set(sorted(wanted))
            (result.updated if changed or have != wanted else result.unchanged).append(d.code)
        if dry_run:
            transaction.set_rollback(True)
    return result
