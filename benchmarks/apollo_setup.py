"""Apollo Server's npm packages, installed by the benchmark itself under var/bench/apollo.

benchmarks/apollo holds package.json, package-lock.json and server.mjs;
they are copied into the work directory and ``npm install`` runs there once
per lock file (a stamp records which), so nothing is installed into the
source tree. better-sqlite3 builds from source where no prebuilt binary can
be fetched; node-gyp then takes Node's headers from /usr/include/node when
the machine has them (npm_config_nodedir) instead of downloading them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).parent / "apollo"
FILES = ("package.json", "package-lock.json", "server.mjs")
MIN_NODE = 20
STAMP = ".installed-lock"
_LOCAL_HEADERS = Path("/usr/include/node/common.gypi")


class Unavailable(RuntimeError):
    """Why the Apollo row cannot run here; the benchmark prints it and goes on."""


def install(work: Path) -> tuple[str, Path]:
    """``node`` and the directory holding server.mjs and its node_modules (installed)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if p is None)
        raise Unavailable(f"{missing} not found on PATH (Apollo Server needs Node.js 20+ and npm)")
    _check_version(node)
    target = work / "apollo"
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(SOURCE / name, target / name)
    stamp = _digest(target)
    if (target / STAMP).is_file() and (target / STAMP).read_text() == stamp:
        return node, target
    print(f"installing Apollo Server's npm packages into {target} ...", flush=True)
    env = dict(os.environ)
    if _LOCAL_HEADERS.exists() and "npm_config_nodedir" not in env:
        env["npm_config_nodedir"] = "/usr"
    command = [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        done = subprocess.run(
            command, cwd=target, env=env, capture_output=True, text=True, timeout=900
        )
    except subprocess.TimeoutExpired as exc:
        raise Unavailable("npm install took more than 15 minutes") from exc
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise Unavailable(f"npm install failed ({done.returncode}): {tail}")
    (target / STAMP).write_text(stamp)
    return node, target


def sqlite_version(node: str, directory: Path) -> str:
    """The SQLite that better-sqlite3 bundles (not the system's, nor Python's)."""
    script = (
        "const D = require('better-sqlite3');"
        "console.log(new D(':memory:').prepare('SELECT sqlite_version()').pluck().get())"
    )
    done = subprocess.run(
        [node, "-e", script], cwd=directory, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip() or "unknown"


def _check_version(node: str) -> None:
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    match = re.match(r"v(\d+)\.", version)
    if match is None or int(match.group(1)) < MIN_NODE:
        raise Unavailable(f"node {version or '(unknown version)'} is older than {MIN_NODE}")


def _digest(target: Path) -> str:
    lock = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        lock.update((target / name).read_bytes())
    return lock.hexdigest()
