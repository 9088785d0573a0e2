"""GraphiQL in a real headless Chromium, served by a real gateway, with no internet.

Every request the browser makes to anything but 127.0.0.1 is blocked and
recorded: the page must load its scripts, styles and fonts from the gateway
and run a query typed into its editor.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import ConsoleMessage, Error, Route, async_playwright, expect

from service.http.graphiql import ASSETS_DIR, ASSETS_PATH, graphiql_page
from tests.server import Client

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000

QUERY = '{ subject(code: "91330106MA2H7K3Q0L") { name } }'
NAME = "杭州瀚铖网络科技有限公司"


def test_the_page_names_no_other_origin() -> None:
    response = graphiql_page()
    html = bytes(response.body).decode()
    assert "<title>credit-gateway GraphiQL</title>" in html
    assert not re.search(r"https?:|//", html), "the page must load nothing from elsewhere"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert {a.split("?")[0] for a in assets if a != "data:,"} == {
        f"{ASSETS_PATH}/{name}"
        for name in (
            "graphiql.min.css",
            "page.css",
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "start.js",
        )
    }
    for asset in assets:
        if asset != "data:,":
            assert (ASSETS_DIR / asset.split("?")[0].removeprefix(f"{ASSETS_PATH}/")).is_file()
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "default-src 'none'" in policy


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium: skipped without it, except on CI, where it must be there."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
    )
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (apt-get install chromium); CI must run this")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


async def test_graphiql_runs_a_typed_query_offline(
    chromium: str, gateway: Client, tmp_path: Path
) -> None:
    blocked: list[str] = []
    errors: list[str] = []

    async def loopback_only(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and url.hostname == "127.0.0.1":
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("internetdisconnected")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":  # a CSP violation is reported here too
            errors.append(message.text)

    def page_error(error: Error) -> None:
        errors.append(str(error))

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(TIMEOUT_MS)
            await context.route("**/*", loopback_only)
            page = await context.new_page()
            page.on("console", console)
            page.on("pageerror", page_error)

            response = await page.goto(gateway.url)
            assert response is not None
            assert response.ok, response.status
            assert response.headers["content-type"].startswith("text/html")
            assert "script-src 'self'" in response.headers["content-security-policy"]
            # The load event waits for the page's scripts and style sheets.
            assert blocked == [], f"the page tried to reach beyond 127.0.0.1: {blocked}"

            editor = page.locator(".graphiql-query-editor .CodeMirror")
            await editor.wait_for(state="visible")
            await editor.click()
            await page.keyboard.press("ControlOrMeta+a")
            await page.keyboard.type(QUERY)
            # CodeMirror closes brackets itself; typing over them must give the query.
            assert await editor.evaluate("el => el.CodeMirror.getValue()") == QUERY

            await page.locator(".graphiql-execute-button").click()
            await expect(page.locator(".graphiql-response")).to_contain_text(
                NAME, timeout=TIMEOUT_MS
            )
            await page.screenshot(path=tmp_path / "graphiql.png")
        finally:
            await browser.close()

    assert blocked == [], f"the page tried to reach beyond 127.0.0.1: {blocked}"
    assert errors == [], errors
