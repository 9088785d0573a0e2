"""The production profile: beyond loopback, no development secrets, no GraphiQL by default."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.kinds import load_config
from gateway.auth.settings import DEV_SECRET_ENV
from gateway.config.exposure import exposure_problems
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from service.app import create_app
from tests.conftest import NOW
from tests.server import Client, serve

CONSENT_ENV = "CREDIT_GATEWAY_CONSENT_SECRET"


def production_config_dir(tmp_path: Path) -> Path:
    """The shipped config with a real key, a real consent secret and no dev secret."""
    directory = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", directory)
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (directory / "issuer.pem").write_bytes(pem)
    text = (directory / "gateway.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^algorithms = .*$", 'algorithms = ["ES256"]', text)
    text = re.sub(r"(?m)^dev_secret = .*$", 'public_key_files = ["issuer.pem"]', text)
    text = re.sub(r"(?m)^secret = .*$", f'secret = "{"s" * 48}"', text)
    text = text.replace('host = "127.0.0.1"', 'host = "0.0.0.0"')
    (directory / "gateway.toml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture(autouse=True)
def _no_secrets_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEV_SECRET_ENV, raising=False)
    monkeypatch.delenv(CONSENT_ENV, raising=False)


def serve_command(
    host: str, config_dir: Path | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in (DEV_SECRET_ENV, CONSENT_ENV)}
    if config_dir is not None:
        environment["CREDIT_GATEWAY_CONFIG"] = str(config_dir)
    environment.update(env)
    code = "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "serve", "--host", host, "--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )


def test_serve_beyond_loopback_with_the_shipped_config_refuses_and_says_why() -> None:
    done = serve_command("0.0.0.0")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "refusing to serve on 0.0.0.0" in done.stderr
    assert "[auth] dev_secret" in done.stderr
    assert "[auth] has no real keys: set public_key_files" in done.stderr
    assert "[consent] secret" in done.stderr


def test_a_dev_secret_from_the_environment_is_refused_too(tmp_path: Path) -> None:
    done = serve_command(
        "192.0.2.10", production_config_dir(tmp_path), **{DEV_SECRET_ENV: "x" * 40}
    )
    assert done.returncode == 2
    assert f"[auth] dev_secret (or {DEV_SECRET_ENV}) is set" in done.stderr
    assert "[consent]" not in done.stderr


def test_real_keys_and_secrets_may_serve_anywhere(tmp_path: Path) -> None:
    config = load_config(production_config_dir(tmp_path))
    assert config.settings.server.host == "0.0.0.0"
    assert exposure_problems(config) == []
    shipped = load_config(PROJECT_ROOT / "config")
    assert exposure_problems(shipped) == []  # it listens on 127.0.0.1
    exposed = replace(shipped.settings.server, host="::")
    assert (
        len(exposure_problems(replace(shipped, settings=replace(shipped.settings, server=exposed))))
        == 3
    )


@pytest.fixture
async def exposed_gateway(demo_config: GatewayConfig) -> AsyncIterator[Client]:
    """The app as configured for 0.0.0.0 (served on loopback for the test)."""
    server = replace(demo_config.settings.server, host="0.0.0.0")
    config = replace(demo_config, settings=replace(demo_config.settings, server=server))
    async with serve(create_app(config, clock=lambda: NOW)) as client:
        yield client


async def test_graphiql_and_introspection_default_to_off_beyond_loopback(
    exposed_gateway: Client, gateway: Client
) -> None:
    for client, expected in ((gateway, 200), (exposed_gateway, 406)):
        async with client.session.get(client.url, headers={"accept": "text/html"}) as response:
            assert response.status == expected
    body = await exposed_gateway.query("{ __schema { types { name } } }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = await gateway.query("{ __schema { queryType { name } } }")
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
