"""The `[auth]` table: defaults, the dev-secret variable, and every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from gateway.auth import AuthSettings, parse_auth
from gateway.auth.settings import DEV_SECRET_ENV
from gateway.config.reader import Problems, Table
from tests.auth.tokens import SECRET, ec_private, private_pem, public_pem


def _parse(tmp_path: Path, text: str) -> tuple[AuthSettings, list[str], str]:
    file = tmp_path / "gateway.toml"
    file.write_text(text, encoding="utf-8")
    problems = Problems()
    settings = parse_auth(Table.load(file, problems).table("auth"), tmp_path)
    return settings, [str(p) for p in problems.items], str(file)


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEV_SECRET_ENV, raising=False)


def test_defaults_need_only_a_dev_secret(tmp_path: Path) -> None:
    _, problems, file = _parse(tmp_path, "")
    assert problems == [
        f"{file}: auth.dev_secret: HS256 is in algorithms but no dev secret is set "
        f"(here or in {DEV_SECRET_ENV})"
    ]
    settings, problems, _ = _parse(tmp_path, f'[auth]\ndev_secret = "{SECRET}"\n')
    assert problems == []
    assert settings == AuthSettings(dev_secret=SECRET)
    assert (settings.issuer, settings.audience, settings.leeway_s) == (
        "credit-gateway",
        "credit-gateway",
        30,
    )
    assert (settings.algorithms, settings.jwks_cache_s) == (("HS256",), 300)


def test_environment_supplies_the_dev_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = "e" * 40
    monkeypatch.setenv(DEV_SECRET_ENV, from_env)
    settings, problems, _ = _parse(tmp_path, "")
    assert (settings.dev_secret, problems) == (from_env, [])
    # It wins over the file, so a deployment need not edit the file.
    settings, problems, _ = _parse(tmp_path, f'[auth]\ndev_secret = "{SECRET}"\n')
    assert (settings.dev_secret, problems) == (from_env, [])


def test_secret_stays_out_of_repr_and_messages(tmp_path: Path) -> None:
    assert SECRET not in repr(AuthSettings(dev_secret=SECRET))
    _, problems, file = _parse(tmp_path, '[auth]\ndev_secret = "hunter2"\n')
    assert problems == [f"{file}: auth.dev_secret: must be at least 32 bytes (RFC 7518 s. 3.2)"]
    assert "hunter2" not in "\n".join(problems)


def test_production_keys_are_read_relative_to_the_config_dir(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "rsa.pem").write_text(public_pem(rsa_key), encoding="ascii")
    (tmp_path / "keys" / "ec.pem").write_text(public_pem(ec_key), encoding="ascii")
    settings, problems, _ = _parse(
        tmp_path,
        """
[auth]
issuer = "https://idp.example.gov.cn"
audience = "credit-api"
leeway_s = 10
algorithms = ["RS256", "ES256"]
public_key_files = ["keys/rsa.pem", "keys/ec.pem"]
jwks_url = "https://idp.example.gov.cn/jwks.json"
jwks_cache_s = 600
""",
    )
    assert problems == []
    assert settings == AuthSettings(
        issuer="https://idp.example.gov.cn",
        audience="credit-api",
        leeway_s=10,
        algorithms=("RS256", "ES256"),
        dev_secret=None,
        public_keys=(public_pem(rsa_key), public_pem(ec_key)),
        jwks_url="https://idp.example.gov.cn/jwks.json",
        jwks_cache_s=600,
    )


def test_problems_name_file_and_key(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    (tmp_path / "private.pem").write_text(private_pem(rsa_key), encoding="ascii")
    (tmp_path / "garbage.pem").write_text("not a key", encoding="ascii")
    (tmp_path / "p384.pem").write_text(public_pem(ec_private(ec.SECP384R1())), encoding="ascii")
    (tmp_path / "rsa.pem").write_text(public_pem(rsa_key), encoding="ascii")
    _, problems, file = _parse(
        tmp_path,
        """
[auth]
issuer = ""
leeway_s = 3600
algorithms = ["HS256", "none", "PS256"]
public_key_files = ["missing.pem", "private.pem", "garbage.pem", "p384.pem", "rsa.pem"]
jwks_url = "ftp://keys.example/jwks.json"
jwks_cache_s = 0
colour = "red"
""",
    )
    expected = [
        "auth.colour: unknown key",
        "auth.issuer: must not be empty",
        "auth.algorithms: 'none' is never accepted: tokens must be signed",
        "auth.algorithms: 'PS256' is not one of HS256, RS256, ES256",
        "auth.public_key_files: missing.pem: cannot read (No such file or directory)",
        "auth.public_key_files: private.pem: is not a PEM public key",
        "auth.public_key_files: garbage.pem: is not a PEM public key",
        "auth.public_key_files: p384.pem: only RSA and EC P-256 keys are supported",
        "auth.public_key_files: rsa.pem: its RS256 key is not in algorithms",
        "auth.leeway_s: must be between 0 and 300 seconds",
        "auth.jwks_cache_s: must be at least 1 second",
        "auth.dev_secret: HS256 is in algorithms but no dev secret is set",
        "auth.jwks_url: must be an http(s) URL",
        "auth.jwks_url: is set but algorithms allows neither RS256 nor ES256",
    ]
    for fragment in expected:
        assert any(p.startswith(f"{file}: {fragment}") for p in problems), fragment
    assert len(problems) == len(expected)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('algorithms = ["RS256"]', "auth.algorithms: RS256 is allowed but no public_key_files"),
        ("algorithms = []", "auth.algorithms: must name at least one supported algorithm"),
        ('algorithms = "HS256"', "auth.algorithms: must be a list, got str"),
        ("leeway_s = -1", "auth.leeway_s: must be between 0 and 300 seconds"),
        ('leeway_s = "30"', "auth.leeway_s: must be a int, got str"),
        ('jwks_url = "https://"', "auth.jwks_url: must be an http(s) URL"),
        ("public_key_files = [1]", "auth.public_key_files: must be a list of strings"),
    ],
)
def test_each_problem_alone(tmp_path: Path, text: str, problem: str) -> None:
    _, problems, file = _parse(tmp_path, f'[auth]\ndev_secret = "{SECRET}"\n{text}\n')
    assert [p for p in problems if p.startswith(f"{file}: {problem}")], problems


def test_jwks_url_alone_is_enough_for_rs256(tmp_path: Path) -> None:
    text = '[auth]\nalgorithms = ["RS256"]\njwks_url = "http://127.0.0.1:9/jwks.json"\n'
    settings, problems, _ = _parse(tmp_path, text)
    assert problems == []
    assert settings.jwks_url == "http://127.0.0.1:9/jwks.json"
