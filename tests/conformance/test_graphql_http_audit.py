"""GraphQL-over-HTTP conformance: graphql-http's server audit against a real gateway.

The audit is the Node package ``graphql-http`` pinned in package.json/package-lock.json
beside this file; ``audit.mjs`` runs it and prints one JSON list of results. Every
audit must pass - MUST, SHOULD and MAY alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server import Client

HERE = Path(__file__).resolve().parent
LOCK = HERE / "package-lock.json"
# npm ci rewrites this hidden lockfile on every install, so its age is the install's.
INSTALLED = HERE / "node_modules" / ".package-lock.json"
INSTALL_TIMEOUT = 300
AUDIT_TIMEOUT = 60
MIN_AUDITS = 61


@pytest.fixture(scope="session")
def node() -> str:
    """The ``node`` executable, with the pinned graphql-http installed beside this file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if p is None)
        message = f"the GraphQL-over-HTTP audit needs {missing} on PATH (Node.js >= 18)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    if not INSTALLED.exists() or INSTALLED.stat().st_mtime < LOCK.stat().st_mtime:
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
                cwd=HERE,
                capture_output=True,
                text=True,
                timeout=INSTALL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"npm ci in {HERE} took over {INSTALL_TIMEOUT} s:\n{exc.stderr}")
        if done.returncode != 0:
            pytest.fail(f"npm ci in {HERE} failed ({done.returncode}):\n{done.stderr}")
    return node


async def test_graphql_over_http_audit(node: str, gateway: Client) -> None:
    process = await asyncio.create_subprocess_exec(
        node,
        str(HERE / "audit.mjs"),
        gateway.url,
        cwd=HERE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(AUDIT_TIMEOUT):
            stdout, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"node audit.mjs took over {AUDIT_TIMEOUT} s")
    assert process.returncode == 0, f"node audit.mjs failed:\n{stderr.decode()}"
    results = json.loads(stdout)

    failing = [r for r in results if r["status"] != "ok"]
    report = "\n".join(
        f"  {r['id']} [{r['status']}] {r['name']}\n        -> {r['reason']}" for r in failing
    )
    assert not failing, f"{len(failing)} of {len(results)} audits failed:\n{report}"
    assert len(results) >= MIN_AUDITS, f"only {len(results)} audits ran"
