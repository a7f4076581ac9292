"""The alias mechanism: a seed's documented path served by the canonical view itself.

An alias is a subclass of the canonical view, so it runs the same handler, authentication,
permissions, throttles and services. It may change only the edges: defaults for fields a seed's
clients never send, and the shape of a success body. Errors keep Bastion's one shape. Every alias is
published under the `compatibility` tag, naming the canonical operation it stands for and stating
where it deliberately differs from its seed.
"""

import re
from typing import Any, ClassVar

from django.http import HttpRequest
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Empty, Request
from rest_framework.response import Response
from rest_framework.views import APIView

COMPAT_TAG = "compatibility"
# Where a class name's words start, acronyms kept whole: Seed003SSOLogin -> seed003_sso_login.
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class SeedRequest(Request):
    """A request whose parsed JSON body goes through its alias's `seed_request` once."""

    def _load_data_and_files(self) -> None:
        parsed = self._full_data is not Empty
        super()._load_data_and_files()
        if not parsed and isinstance(self._full_data, dict):
            self._full_data = self.parser_context["view"].seed_request(dict(self._full_data))


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

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # The seed's body becomes the canonical one as it is parsed, before anything reads it: the
        # tenancy door of a tenant view included, whose own steps an alias may not override.
        return SeedRequest(
            request,
            parsers=self.get_parsers(),
            authenticators=self.get_authenticators(),
            negotiator=self.get_content_negotiator(),
            parser_context=self.get_parser_context(request),
        )

    def seed_request(self, data: dict[str, Any]) -> dict[str, Any]:
        """The body the canonical view reads: the seed's, with `request_defaults` filled in."""
        return {**self.request_defaults, **data}

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
