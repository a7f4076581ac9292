"""The alias mechanism: a seed's documented path served by the canonical view itself.

An alias is a subclass of the canonical view, so it runs the same handler, authentication,
permissions, throttles and services. It may change only the edges: defaults for fields a seed's
clients never send, and the shape of a success body. Errors keep Bastion's one shape. Every alias is
published under the `compatibility` tag, naming the canonical operation it stands for and stating
where it deliberately differs from its seed.
"""

import re
from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

COMPAT_TAG = "compatibility"
# Where a class name's words start, acronyms kept whole: Seed003SSOLogin -> seed003_sso_login.
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class SeedAlias:
    """Mixin, placed before the canonical view class: `class Seed004LoginView(SeedAlias, LoginView)`."""

    seed: ClassVar[str] = ""  # "000".."004": which document in the seeds the path comes from
    canonical: ClassVar[str] = ""  # the operation aliased, e.g. "POST /api/v1/auth/login"
    methods: ClassVar[tuple[str, ...]] = ("post",)  # the seed's methods; the canonical view's others stay off
    deviations: ClassVar[str] = ""
    # Fields the seed's clients do not send, filled in before the canonical serializer reads the body.
    request_defaults: ClassVar[dict[str, Any]] = {}
    # extend_schema arguments where the seed's request or response differs from the canonical one.
    schema_overrides: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if cls.__dict__.get("request_defaults"):
            # Only an alias with defaults gets an `initial` of its own, set before the canonical view's
            # own checks run: a tenant view's door (organizations/api/base.py) refuses any `initial`
            # but its own, so a tenant alias cannot fill in a body before the door has read it.
            cls.initial = _initial_filling_defaults(cls)
        super().__init_subclass__(**kwargs)
        if not cls.seed:  # an intermediate class shared by several seeds' aliases
            return
        cls.http_method_names = [*cls.methods, "options"]
        description = f"Seed {cls.seed}'s path for `{cls.canonical}` (see docs/COMPATIBILITY.md)."
        if cls.deviations:
            description += f"\n\nDeviation: {cls.deviations}"
        operation_id = _WORD_START.sub("_", cls.__name__.removesuffix("View")).lower()
        # A summary of its own: the canonical one would name two operations alike in the docs.
        summary = f"Seed {cls.seed}: alias of {cls.canonical}"
        schema = {"tags": [COMPAT_TAG], "summary": summary, "description": description, **cls.schema_overrides}
        extend_schema_view(
            **{method: extend_schema(operation_id=f"{operation_id}_{method}", **schema) for method in cls.methods}
        )(cls)

    def seed_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """A success body in the seed's shape; the canonical one unless the alias says otherwise."""
        return body

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        if status.is_success(response.status_code) and isinstance(getattr(response, "data", None), dict):
            # DRF finalizes outside its own error handling; like dispatch, hand any failure to the API's handler.
            try:
                response.data = self.seed_body(response.data)
            except Exception as exc:
                response = self.handle_exception(exc)
        return super().finalize_response(request, response, *args, **kwargs)


def _initial_filling_defaults(owner: type) -> Any:
    def initial(self: Any, request: Request, *args: Any, **kwargs: Any) -> None:
        super(owner, self).initial(request, *args, **kwargs)
        if isinstance(request.data, dict):
            # DRF has no public setter for a parsed body; the canonical view reads it as `request.data`.
            request._full_data = {**self.request_defaults, **request.data}

    return initial


def seed_alias(
    view: type[APIView],
    *,
    seed: str,
    canonical: str,
    methods: tuple[str, ...] = ("post",),
    deviations: str = "",
) -> type[APIView]:
    """An alias that changes nothing but the path (and states its deviations)."""
    attributes = {"seed": seed, "canonical": canonical, "methods": methods, "deviations": deviations}
    return type(f"Seed{seed}{view.__name__}", (SeedAlias, view), {"__module__": __name__, **attributes})
