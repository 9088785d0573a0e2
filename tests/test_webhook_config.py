"""`[notifications]`: off by default; a webhook needs an http(s) URL and a non-empty
secret file; beyond loopback `serve` refuses a plain-http webhook to another host."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.kinds import load_config
from gateway.config import ConfigError
from gateway.config.exposure import exposure_problems
from gateway.config.loader import PROJECT_ROOT, GatewayConfig
from gateway.config.settings import WEBHOOK_SECRET_ENV, Notifications
from service.cli import main


@pytest.fixture(autouse=True)
def _no_secret_file_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WEBHOOK_SECRET_ENV, raising=False)


def _config_dir(tmp_path: Path, notifications: str) -> Path:
    """The shipped config with ``notifications`` as its `[notifications]` table."""
    directory = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", directory)
    gateway = directory / "gateway.toml"
    text = gateway.read_text(encoding="utf-8")
    start = text.index("[notifications]")
    end = text.index("\n[", start + 1)
    gateway.write_text(text[:start] + notifications + text[end:], encoding="utf-8")
    return directory


def _load(tmp_path: Path, notifications: str) -> GatewayConfig:
    return load_config(_config_dir(tmp_path, notifications), tmp_path / "data")


def _problems(tmp_path: Path, notifications: str) -> list[str]:
    with pytest.raises(ConfigError) as failure:
        _load(tmp_path, notifications)
    return [str(p) for p in failure.value.problems]


def test_off_by_default_with_the_documented_defaults(tmp_path: Path) -> None:
    shipped = load_config(PROJECT_ROOT / "config", tmp_path).settings.notifications
    assert shipped == Notifications()
    assert not shipped.enabled


def test_a_webhook_with_its_secret_file_parses(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "hook.txt").write_text("s3cret\n", encoding="utf-8")
    table = """[notifications]
webhook_url = "https://portal.example.gov.cn/hooks/credit"
secret_file = "../secrets/hook.txt"
max_attempts = 4
backoff_s = 5
timeout_s = 2.5
poll_s = 0.5
"""
    parsed = _load(tmp_path, table).settings.notifications
    assert parsed == Notifications(
        webhook_url="https://portal.example.gov.cn/hooks/credit",
        secret_file=str((tmp_path / "secrets" / "hook.txt").resolve()),
        max_attempts=4,
        backoff_s=5,
        timeout_s=2.5,
        poll_s=0.5,
    )
    assert parsed.enabled


def test_the_environment_names_the_secret_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "from-env.txt"
    secret.write_text("s3cret", encoding="utf-8")
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, str(secret))
    table = '[notifications]\nwebhook_url = "http://127.0.0.1:9000/hook"\n'
    assert _load(tmp_path, table).settings.notifications.secret_file == str(secret)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'webhook_url = "https://portal.example/hook"',
            "notifications.secret_file: (or CREDIT_GATEWAY_WEBHOOK_SECRET_FILE) is required",
        ),
        (
            'webhook_url = "ftp://portal.example/hook"\nsecret_file = "gateway.toml"',
            "notifications.webhook_url: must be an http:// or https:// URL",
        ),
        (
            'webhook_url = "portal.example/hook"\nsecret_file = "gateway.toml"',
            "notifications.webhook_url: must be an http:// or https:// URL",
        ),
        (
            'webhook_url = "https://portal.example/hook"\nsecret_file = "missing.txt"',
            "missing.txt is not a file",
        ),
        (
            'webhook_url = "https://portal.example/hook"\nsecret_file = "empty.txt"',
            "empty.txt is empty",
        ),
        ("max_attempts = 0", "notifications.max_attempts: must be positive"),
        ("poll_s = 0", "notifications.poll_s: must be positive"),
        ("backoff_s = 10\nmax_backoff_s = 5", "notifications.max_backoff_s: must be at least"),
        ("timeout_s = 'five'", "notifications.timeout_s: must be a float, got str"),
        ("webhook = 'https://portal.example/hook'", "notifications.webhook: unknown key"),
    ],
)
def test_problems_name_the_key(tmp_path: Path, table: str, expected: str) -> None:
    directory = _config_dir(tmp_path, f"[notifications]\n{table}\n")
    (directory / "empty.txt").write_text(" \n", encoding="utf-8")
    with pytest.raises(ConfigError) as failure:
        load_config(directory, tmp_path / "data")
    problems = [str(p) for p in failure.value.problems]
    assert any(expected in p for p in problems), problems


def test_check_config_reports_a_webhook_without_a_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _config_dir(tmp_path, '[notifications]\nwebhook_url = "https://p.example/h"\n')
    with pytest.raises(SystemExit) as exit_:
        main(["--config", str(directory), "--data", str(tmp_path), "check-config"])
    assert exit_.value.code == 2
    assert "gateway.toml: notifications.secret_file: (or CREDIT_GATEWAY_WEBHOOK_SECRET_FILE)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://portal.example.gov.cn/hooks/credit", True),
        ("http://10.0.0.7:8080/hook", True),
        ("https://portal.example.gov.cn/hooks/credit", False),
        ("http://127.0.0.1:9000/hook", False),
        ("http://localhost/hook", False),
        ("http://[::1]:9000/hook", False),
    ],
)
def test_serving_beyond_loopback_refuses_a_plain_http_webhook_to_another_host(
    tmp_path: Path, url: str, refused: bool
) -> None:
    shipped = load_config(PROJECT_ROOT / "config", tmp_path)
    pushed = Notifications(webhook_url=url, secret_file="unused")
    for host, counted in (("127.0.0.1", 0), ("0.0.0.0", 3)):  # the shipped 3: dev secrets
        server = replace(shipped.settings.server, host=host)
        settings = replace(shipped.settings, server=server, notifications=pushed)
        problems = exposure_problems(replace(shipped, settings=settings))
        webhook = [p for p in problems if p.startswith("[notifications] webhook_url")]
        assert len(problems) == counted + len(webhook)
        assert len(webhook) == (refused and counted > 0)
