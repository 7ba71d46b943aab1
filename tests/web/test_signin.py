"""Foundation web behaviour: health, sign-in with CSRF, rate limiting, safe redirects."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from frontdoor.core.store import Store
from frontdoor.models import Workspace
from frontdoor.web.app import create_app


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def test_healthz_reports_the_database(store: Store) -> None:
    with TestClient(create_app(store)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == store.dialect


def test_pages_need_sign_in(store: Store, workspace: Workspace) -> None:
    with TestClient(create_app(store)) as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_sign_in_shows_the_workspace_and_sign_out_ends_it(
    store: Store, workspace: Workspace, admin_password: str
) -> None:
    with TestClient(create_app(store)) as client:
        token = _csrf(client)
        response = client.post(
            "/login",
            data={"email": "ADMIN@example.com", "password": admin_password, "csrf": token, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        home = client.get("/")
        assert home.status_code == 200
        assert "Acme" in home.text
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        client.post("/logout", data={"csrf": _csrf(client, "/")})
        assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_and_missing_csrf_are_refused(
    store: Store, workspace: Workspace, admin_password: str
) -> None:
    with TestClient(create_app(store)) as client:
        token = _csrf(client)
        wrong = client.post(
            "/login", data={"email": "admin@example.com", "password": "nope-nope", "csrf": token}
        )
        assert wrong.status_code == 401
        no_csrf = client.post("/login", data={"email": "admin@example.com", "password": admin_password})
        assert no_csrf.status_code == 400
        assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_is_rate_limited(store: Store, workspace: Workspace, admin_password: str) -> None:
    with TestClient(create_app(store)) as client:
        token = _csrf(client)
        codes = [
            client.post(
                "/login", data={"email": "admin@example.com", "password": f"guess-{i}", "csrf": token}
            ).status_code
            for i in range(11)
        ]
        assert codes[:10] == [401] * 10
        assert codes[10] == 429
        # Even the right password is refused while the limit holds.
        right = client.post(
            "/login", data={"email": "admin@example.com", "password": admin_password, "csrf": token}
        )
        assert right.status_code == 429


def test_next_cannot_redirect_off_site(store: Store, workspace: Workspace, admin_password: str) -> None:
    with TestClient(create_app(store)) as client:
        token = _csrf(client)
        response = client.post(
            "/login",
            data={
                "email": "admin@example.com",
                "password": admin_password,
                "csrf": token,
                "next": "//evil.example/phish",
            },
            follow_redirects=False,
        )
    assert response.headers["location"] == "/"
