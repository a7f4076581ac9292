"""From an access token to its user: the signature and claims in Python, then one query that reads the
user and the token's revocation together, on every authenticated API request and WebSocket."""

from functools import cache
from typing import Any
from uuid import UUID

from django.db import connections, router
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import User
from accounts.tokens import AccessToken, AccessTokenJtiUnchecked
from core.exceptions import InvalidToken, TokenExpired


def access_token_validate(raw_token: bytes | str, *, token_class: type[AccessToken] = AccessToken) -> AccessToken:
    """Decode and check an access token (signature, algorithm, expiry, revocation) or raise a 401."""
    try:
        return token_class(raw_token)
    except ExpiredTokenError:
        raise TokenExpired() from None
    except TokenError:
        raise InvalidToken() from None


class _UserQuery:
    """The user row and whether a jti is blacklisted, as one SELECT written once per database.

    Written by hand because the ORM's query building costs more Python per request than the database
    spends answering; the row still becomes a User through the fields' own converters and `from_db`.
    """

    def __init__(self, alias: str) -> None:
        # Each thread has its own connection under this alias: only what its backend decides is kept.
        connection = connections[alias]
        quote = connection.ops.quote_name
        fields = User._meta.concrete_fields
        self.alias = alias
        self.attnames = [field.attname for field in fields]
        self.columns = [field.get_col(User._meta.db_table) for field in fields]
        self.converters = [
            connection.ops.get_db_converters(column) + column.field.get_db_converters(connection)
            for column in self.columns
        ]
        users, pk = quote(User._meta.db_table), quote(User._meta.pk.column)
        blacklisted, outstanding = quote(BlacklistedToken._meta.db_table), quote(OutstandingToken._meta.db_table)
        token_id = f"{blacklisted}.{quote(BlacklistedToken._meta.get_field('token').column)}"
        outstanding_id = f"{outstanding}.{quote(OutstandingToken._meta.pk.column)}"
        jti = f"{outstanding}.{quote(OutstandingToken._meta.get_field('jti').column)}"
        selected = ", ".join(quote(field.column) for field in fields)
        # S608: only the models' own table and column names are formatted in; both values are parameters.
        joined = f"{blacklisted} INNER JOIN {outstanding} ON {outstanding_id} = {token_id}"
        revoked = f"SELECT 1 FROM {joined} WHERE {jti} = %s"  # noqa: S608
        self.sql = f"SELECT {selected}, EXISTS ({revoked}) FROM {users} WHERE {pk} = %s"  # noqa: S608

    def run(self, *, user_id: UUID, jti: str) -> tuple[User | None, bool]:
        """The user (None when there is none) and whether the token is blacklisted."""
        connection = connections[self.alias]
        user_key = User._meta.pk.get_db_prep_value(user_id, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [jti, user_key])
            row = cursor.fetchone()
        if row is None:
            return None, False
        values = []
        for value, column, converters in zip(row, self.columns, self.converters, strict=False):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        return User.from_db(self.alias, self.attnames, values), bool(row[-1])


@cache
def _user_query(alias: str) -> _UserQuery:
    return _UserQuery(alias)


def access_token_user(raw_token: bytes | str) -> tuple[User, AccessToken]:
    """The active user a valid, unexpired, unrevoked access token names, or a 401: what simplejwt's
    authentication checks, in one query instead of two."""
    token = access_token_validate(raw_token, token_class=AccessTokenJtiUnchecked)
    query = _user_query(router.db_for_read(User))
    user, blacklisted = query.run(user_id=UUID(token[api_settings.USER_ID_CLAIM]), jti=token[api_settings.JTI_CLAIM])
    if blacklisted or user is None:
        raise InvalidToken()
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        raise InvalidToken()
    if api_settings.CHECK_REVOKE_TOKEN and token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
        user.password
    ):
        raise InvalidToken()
    return user, token


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's header parsing, Bastion's error codes: `INVALID_TOKEN` or `TOKEN_EXPIRED`."""

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        header = self.get_header(request)
        raw_token = self.get_raw_token(header) if header is not None else None
        if raw_token is None:
            return None
        return access_token_user(raw_token)

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.JWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
