"""Shared fixtures: a real app on a fresh data dir per test, its client and CLI runner."""
from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, find_axe, skip_or_fail

from syndicate import create_app

TOKEN = "test-token-0123456789"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app_config(data_dir: Path) -> dict:
    return {"TESTING": True, "DATA_DIR": str(data_dir), "API_TOKEN": TOKEN,
            "BASE_URL": "http://news.test", "SPEECH_WORKERS": -1}


@pytest.fixture
def app(app_config: dict):
    app = create_app(app_config)
    yield app
    app.extensions["syndicate"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def blog(client, auth) -> dict:
    """A blog created through the API."""
    response = client.post("/api/blogs", json={
        "slug": "storm", "title": "Storm Ana comes ashore", "description": "Live updates as the storm arrives.",
        "language": "en", "timezone": "Europe/London", "author": "The Newsroom"}, headers=auth)
    assert response.status_code == 201, response.json
    return response.json


def post_entry(client, auth, slug: str = "storm", **fields) -> dict:
    fields.setdefault("text", "The river has burst its banks near the old bridge.")
    response = client.post(f"/api/blogs/{slug}/entries", json=fields, headers=auth)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def cli_env(data_dir: Path) -> dict[str, str]:
    """The environment `syndicate` commands run with in the tests (a module may add to it)."""
    return {"SYNDICATE_DATA_DIR": str(data_dir), "SYNDICATE_SPEECH_WORKERS": "-1",
            "SYNDICATE_BASE_URL": "http://news.test"}


@pytest.fixture
def cli(cli_env: dict[str, str]):
    """Run `syndicate ARGS...` in this process (click's runner) on the test's data dir."""
    from click.testing import CliRunner

    from syndicate.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, list(args), env=cli_env, input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (skips, or fails in CI, when missing)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, to inject with page.evaluate (a CSP forbids script tags)."""
    path = find_axe()
    if path is None:
        skip_or_fail("axe-core is not installed (run `npm ci` at the repository root)")
    return path.read_text(encoding="utf-8")
