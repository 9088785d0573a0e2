"""Start the bureau simulator, the gateway and the reference as separate processes.

The load generator runs in this process; each server in its own, as in
production, so the gateway's CPU is its own (the machine has two cores).
The shapes (benchmarks/shape_servers.py) start the gateway and the bureau
from here too, pinned to a core.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from gateway.config.loader import PROJECT_ROOT


@dataclass(frozen=True, slots=True)
class Servers:
    gateway: str
    reference: str
    bureau: str
    config_dir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def process(
    command: Sequence[str],
    health: str,
    env: dict[str, str] | None = None,
    *,
    cpus: set[int] | None = None,
    health_body: bytes | None = None,
    log: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running until the block ends, once ``health`` answers 200.

    ``cpus`` pins it (and every thread it starts) to those cores; ``health_body``
    makes the health check a JSON POST; ``log`` keeps its stderr.
    """
    with ExitStack() as stack:
        stderr = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        child = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=None if cpus is None else lambda: os.sched_setaffinity(0, cpus),
        )
        try:
            _wait(_request(health, health_body), child)
            yield child
        finally:
            child.terminate()
            child.wait(timeout=15)


def _request(url: str, body: bytes | None) -> urllib.request.Request:
    if body is None:
        return urllib.request.Request(url)
    return urllib.request.Request(url, body, {"content-type": "application/json"})


def _wait(request: urllib.request.Request, child: subprocess.Popen[bytes]) -> None:
    url = request.full_url
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {child.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within 60 s")


def _uncached(block: str) -> str:
    """A bureau source block with its cache off: the reference asks the bureau every
    time, so the gateway must too for the ratio to mean something."""
    if 'kind = "bureau"' not in block:
        return block
    return re.sub(r"(?m)^cache_ttl_s = .*$", "cache_ttl_s = 0", block)


@contextmanager
def servers(
    data_dir: Path, work: Path, bureau_latency_ms: float, *, no_cache: bool = False
) -> Iterator[Servers]:
    """All three servers over ``data_dir``; configuration copied into ``work``."""
    bureau_port, gateway_port, reference_port = free_port(), free_port(), free_port()
    config_dir = gateway_config(work, bureau_port, no_cache=no_cache)
    with ExitStack() as stack:
        stack.enter_context(bureau(bureau_port, bureau_latency_ms))
        stack.enter_context(gateway(config_dir, data_dir, work, gateway_port))
        stack.enter_context(
            process(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.reference_server",
                    "--config",
                    str(config_dir),
                    "--data",
                    str(data_dir),
                    "--port",
                    str(reference_port),
                ],
                f"http://127.0.0.1:{reference_port}/graphql?query=%7B__typename%7D",
            )
        )
        yield Servers(
            gateway=f"http://127.0.0.1:{gateway_port}/graphql",
            reference=f"http://127.0.0.1:{reference_port}/graphql",
            bureau=f"http://127.0.0.1:{bureau_port}",
            config_dir=config_dir,
        )


def gateway_config(work: Path, bureau_port: int, *, no_cache: bool = False) -> Path:
    """The project's configuration copied into ``work``, its bureau on ``bureau_port``."""
    config_dir = work / "config"
    shutil.rmtree(config_dir, ignore_errors=True)
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    sources = config_dir / "sources.toml"
    text = sources.read_text(encoding="utf-8").replace(
        "http://127.0.0.1:8100", f"http://127.0.0.1:{bureau_port}"
    )
    if no_cache:
        text = "[[source]]".join(_uncached(block) for block in text.split("[[source]]"))
    sources.write_text(text, encoding="utf-8")
    return config_dir


def bureau(
    port: int, latency_ms: float, *, cpus: set[int] | None = None
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """The simulated credit bureau (`credit-gateway bureau-sim`)."""
    command = [sys.executable, "-m", "service.cli", "bureau-sim", "--port", str(port)]
    return process(
        [*command, "--latency-ms", str(latency_ms)],
        f"http://127.0.0.1:{port}/healthz",
        cpus=cpus,
    )


def gateway(
    config_dir: Path, data_dir: Path, work: Path, port: int, *, cpus: set[int] | None = None
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """`credit-gateway serve` over ``data_dir``, with a fresh store in ``work``."""
    store = work / "store.db"
    store.unlink(missing_ok=True)
    env = os.environ | {"CREDIT_GATEWAY_STORE_URL": f"sqlite+aiosqlite:///{store}"}
    command = [sys.executable, "-m", "service.cli", "--config", str(config_dir)]
    command += ["--data", str(data_dir), "serve", "--port", str(port), "--log-level", "warning"]
    return process(command, f"http://127.0.0.1:{port}/healthz", env, cpus=cpus)
