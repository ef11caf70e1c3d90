"""Service users authenticate to the API with their own bearer token (``cwu_…``), issued at
registration or by their provider. It resolves to a ``ServiceUser``, never to a staff ``Actor``:
staff routes do not accept it, and user routes do not accept staff tokens or cookies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chainwarden.accounts import throttle
from chainwarden.identity import users
from chainwarden.identity.errors import IdentityError
from chainwarden.identity.models import ServiceUser
from chainwarden.web.deps import Clock, Tx, client_source, database


def current_service_user(request: Request, session: Tx, clock: Clock) -> ServiceUser:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise IdentityError(
            "user_token_required",
            "请提供服务使用者令牌",
            "Send the service user's token (Authorization: Bearer cwu_…)",
            kind="unauthenticated",
        )
    address = client_source(request)
    throttle.refuse_locked_address(address)
    user = users.user_for_token(session, secret.strip(), now=clock())
    if user is None:
        throttle.bad_token(database(request), address)
        raise IdentityError(
            "bad_user_token",
            "使用者令牌无效、已过期或已撤销",
            "The user token is invalid, expired or revoked",
            kind="unauthenticated",
        )
    return user


CurrentServiceUser = Annotated[ServiceUser, Depends(current_service_user)]
