"""The NinjaAPI object: session sign-in with CSRF, plain-English errors, routers by concept."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from commissioning.api import (
    communities,
    contracts,
    developments,
    evaluation,
    groupings,
    indicators,
    monitoring,
    observations,
    provider_selection,
    scorecard,
    services,
)
from commissioning.api.errors import Refused

api = NinjaAPI(
    title="Commissioning workbench API",
    version="1",
    description=(
        "Read the commissioning records your login may see and submit indicator observations. "
        "Sign in through the web login first; send the CSRF token (header X-CSRFToken) with "
        "every POST. Small patient counts are suppressed."
    ),
    auth=django_auth,
    docs_url=None,
    urls_namespace="api",
)


def _plain(error: dict) -> str:
    where = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body", "payload")]
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    return f"{'.'.join(where)}: {message}" if where else message


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    messages = [_plain(e) for e in exc.errors]
    return api.create_response(
        request, {"detail": "; ".join(messages), "errors": messages}, status=422
    )


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


api.add_router("/", communities.router)
api.add_router("/", services.router)
api.add_router("/", developments.router)
api.add_router("/", evaluation.router)
api.add_router("/", indicators.router)
api.add_router("/", observations.router)
api.add_router("/", monitoring.router)
api.add_router("/", scorecard.router)
api.add_router("/", groupings.router)
api.add_router("/", provider_selection.router)
api.add_router("/", contracts.router)
