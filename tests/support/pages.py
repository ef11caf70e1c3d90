"""Helpers for page tests: sign in through the sign-in form and read CSRF tokens from pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from support.world import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in as a person would; returns the session's CSRF token for later form posts."""
    page = client.get("/signin")
    response = client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf(client.get(response.headers["location"]).text)


def signed_in_as(client: TestClient, username: str) -> str:
    """Start a web session for the account directly (skipping the deliberately slow password
    hash) and give its cookie to the client; returns the CSRF token for form posts."""
    from sqlalchemy import select

    from chainwarden.accounts import service as accounts
    from chainwarden.accounts.models import Account
    from chainwarden.web.deps import SESSION_COOKIE

    db = client.app.state.db  # type: ignore[attr-defined]
    with db.session() as session:
        account = session.scalars(select(Account).where(Account.username == username)).one()
        issued = accounts.start_session(session, account, hours=1)
    client.cookies.set(SESSION_COOKIE, issued.secret)
    assert issued.csrf_token is not None
    return issued.csrf_token


def post(client: TestClient, path: str, token: str, **data: str):
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
