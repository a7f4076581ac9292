"""Real Chromium against `live_server`. A page fixture fails the test on any console or page error."""

from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from tests.accounts.factories import DEFAULT_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, which makes Django refuse ORM
    # calls (tests, factories, the database flush). Allowed only while the browser runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


def alerts_socket_refused(text: str) -> bool:
    """Chromium's error for ws/alerts/, which every signed-in page opens and only the ASGI application
    serves: expected from Django's live server, which speaks no WebSocket."""
    return text.startswith("WebSocket connection to") and "/ws/alerts/" in text


@pytest.fixture
def site_url(live_server) -> str:
    """Where the browser goes: Django's live server, which answers HTTP but no WebSocket. A test of a
    live page overrides this with the ASGI application (tests/e2e/asgi.py)."""
    return live_server.url


@pytest.fixture
def page(browser, live_server, site_url) -> Iterator[Page]:
    context = browser.new_context(base_url=site_url, viewport={"width": 1280, "height": 860})
    # The copy buttons use the clipboard, which a real person's browser grants to the page in use.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    sockets_refused = site_url == live_server.url
    page = context.new_page()
    documents: set[str] = set()
    problems: list[str] = []

    def on_response(response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            documents.add(response.url)
        elif response.request.resource_type == "xhr" and 400 <= response.status < 500:
            documents.add(response.url)  # a form a script sent, refused: the page shows the answer
            if response.status >= 500:
                problems.append(f"server error: {response.status} for {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium repeats a page's own 4xx status (a refused form answers 400) as a failed resource
        # load; the tests assert those statuses. A failing script, style or image still counts.
        if message.text.startswith("Failed to load resource") and message.location.get("url") in documents:
            return
        if sockets_refused and alerts_socket_refused(message.text):
            return
        problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save what the browser shows to test-artifacts/, for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=full_page)


def totp_now(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given this base32 key shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(b32decode(secret), 30, 0, 6, 0)
    totp.time = totp.time + steps_ahead * 30
    return f"{totp.token():06d}"


def sign_in(page: Page, identifier: str, code: str, password: str = DEFAULT_PASSWORD) -> None:
    """Both steps through the pages: the password, then the code from the second factor."""
    page.goto("/login/")
    page.get_by_label("Email or username").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
