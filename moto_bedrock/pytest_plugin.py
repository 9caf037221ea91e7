"""pytest plugin: ``bedrock`` and ``bedrock_server`` fixtures and the ``bedrock_config`` marker.

Registered through the ``pytest11`` entry point (as ``moto_bedrock_plugin``), so installing
moto-bedrock is enough. It imports nothing heavy itself and does nothing for tests that use
neither fixture.

* ``bedrock``: an active in-process ``mock_bedrock`` for the test, reset for each test.
* ``bedrock_server``: a ``python -m moto_bedrock`` server started once per session (once
  per xdist worker, each on its own free port) and reset before each test.
* ``@pytest.mark.bedrock_config("rules.yaml", ...)``: config files (relative to the test
  file) or dicts loaded into whichever of the fixtures the test uses, module and class
  marks first, the test's own last.
* ``@pytest.mark.bedrock_cassette("name", mode=..., upstream=..., ignore=..., redact=...)``:
  record and replay the test's runtime calls with ``cassettes/<name>.yaml`` beside the test
  file (``--bedrock-cassette-dir`` moves it; the name defaults to the test's).
  ``--bedrock-record-mode`` sets the mode of every cassette in the run, and
  ``--bedrock-upstream URL`` where recording forwards to (default: real Bedrock).

When a test using a fixture fails, its call history is added to the report as a
"bedrock call history" section.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .behaviour.control import BedrockControl
    from .behaviour.history_view import HistoryView
    from .mock import BedrockMock

__all__ = ["BedrockFixture", "BedrockServer", "BedrockServerFixture"]

MARKER = "bedrock_config"
CASSETTE_MARKER = "bedrock_cassette"
REGION = "us-east-1"
SECTION = "bedrock call history"
STARTUP_TIMEOUT = 60.0

_HANDLES = pytest.StashKey[list["BedrockFixture"]]()

# Plain urllib for the plugin's own requests to the loopback server, with no proxy: a
# proxy configured for the outside world must not intercept 127.0.0.1.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("moto-bedrock")
    group.addoption(
        "--bedrock-record-mode",
        choices=("none", "once", "new_episodes", "all"),
        default=None,
        help="record mode of every bedrock_cassette in this run (default: each marker's, or none)",
    )
    group.addoption(
        "--bedrock-cassette-dir",
        default=None,
        help="folder of the cassette files (default: cassettes/ beside each test file)",
    )
    group.addoption(
        "--bedrock-upstream",
        default=None,
        help="endpoint URL recording forwards to (default: real Bedrock, your credentials)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*sources): load moto-bedrock config files (paths relative to the test "
        "file) or dicts into the bedrock / bedrock_server fixture the test uses",
    )
    config.addinivalue_line(
        "markers",
        f"{CASSETTE_MARKER}(name=None, mode='none', upstream=None, ignore=(), redact=()): "
        "record and replay the test's bedrock-runtime calls as a readable fixture",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    # A marker on a test that has no mock to load it into would silently do nothing.
    # Checked once fixtures are set up, so a fixture requested indirectly counts too.
    # (Module- and class-level marks are meant for the tests below them that do have one.)
    for marker in (MARKER, CASSETTE_MARKER):
        own = any(mark.name == marker for mark in getattr(item, "own_markers", []))
        if own and not item.stash.get(_HANDLES, None):
            pytest.fail(
                f"@pytest.mark.{marker} needs the bedrock or bedrock_server fixture in the test",
                pytrace=False,
            )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    handles = item.stash.get(_HANDLES, None)
    if not handles or report.when != "call" or not report.failed:
        return
    for handle in handles:
        try:
            text = handle.history().format()
        except Exception as error:  # a crashed server must not hide the test's own failure
            text = f"(the call history could not be read: {error})"
        title = SECTION if len(handles) == 1 else f"{SECTION} ({handle.kind})"
        report.sections.append((title, text))


class BedrockFixture:
    """What the ``bedrock`` fixture yields: a control and boto3 clients for the mock."""

    kind = "in-process"
    region = REGION
    endpoint_url: str | None = None

    def __init__(self, control: BedrockControl, mock: BedrockMock | None = None) -> None:
        self.control = control
        """The control API (``BedrockControl``, or ``RemoteControl`` for the server)."""
        self.mock = mock

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` in us-east-1 with dummy credentials.

        Keyword arguments go to ``boto3.client`` (``region_name``, ``config``, ...).
        """
        import boto3

        kwargs.setdefault("region_name", self.region)
        kwargs.setdefault("aws_access_key_id", "testing")
        kwargs.setdefault("aws_secret_access_key", "testing")
        if self.endpoint_url is not None:
            kwargs.setdefault("endpoint_url", self.endpoint_url)
        return boto3.client(service, **kwargs)

    def history(self, **filters: Any) -> HistoryView:
        """The calls recorded so far, as a HistoryView (filters as ``get_call_history``)."""
        return self.control.history(**filters)

    def load_config(self, source: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
        """Load a config file (YAML/JSON) or a config dict; see ``docs/config.md``."""
        if isinstance(source, Mapping):
            return self.control.load_config(config=dict(source))
        return self.control.load_config_file(source)


class BedrockServerFixture(BedrockFixture):
    """What the ``bedrock_server`` fixture yields: the server's URL, a RemoteControl and
    boto3 clients pointed at it."""

    kind = "server"

    def __init__(self, endpoint_url: str) -> None:
        from .behaviour.control import RemoteControl

        super().__init__(RemoteControl(endpoint_url, region=REGION))
        self.endpoint_url = endpoint_url

    def reset(self) -> None:
        """Reset the server (everything: all services, accounts and regions)."""
        _post(f"{self.endpoint_url}/moto-api/reset", timeout=10)


def _post(url: str, timeout: float) -> int:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    with _DIRECT.open(request, timeout=timeout) as response:
        return int(response.status)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BedrockServer:
    """A ``python -m moto_bedrock`` process on a free loopback port.

    ``args`` are extra server flags (``--config FILE``...); ``command`` replaces
    ``python -m moto_bedrock`` (e.g. the ``moto_bedrock_server`` script).
    """

    def __init__(self, *args: str, command: list[str] | None = None) -> None:
        self.args = args
        self.command = command or [sys.executable, "-m", "moto_bedrock"]
        self.process: subprocess.Popen[bytes] | None = None
        self.endpoint_url = ""
        # The server's output goes to a file (a pipe nobody reads would fill and stall it);
        # we read it through a handle of our own, so the server's write offset never moves.
        handle, self._log_path = tempfile.mkstemp(prefix="moto-bedrock-server-", suffix=".log")
        os.close(handle)
        self._log: IO[bytes] | None = None

    def start(self, attempts: int = 5) -> BedrockServer:
        """Start the server and wait until it answers; retries if the port was taken."""
        for _ in range(attempts):
            port = _free_port()
            self.endpoint_url = f"http://127.0.0.1:{port}"
            if self._log is not None:
                self._log.close()
            self._log = open(self._log_path, "wb", buffering=0)  # noqa: SIM115 (stop() closes)
            self.process = subprocess.Popen(
                [*self.command, "-H", "127.0.0.1", "-p", str(port), *self.args],
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            if self._wait_until_ready():
                return self
        raise RuntimeError(f"the moto_bedrock server did not start:\n{self._log_tail()}")

    def _wait_until_ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False  # exited: most likely another process took the port first
            # Only our own server's banner proves the port is ours: between choosing a free
            # port and binding it, another process (a parallel test session's server) may
            # take it, and it would answer the requests below just as well.
            if b"Running on" in self._log_text():
                try:
                    _post(f"{self.endpoint_url}/moto-api/bedrock/get_clock", timeout=1)
                    return True
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
            time.sleep(0.05)
        tail = self._log_tail()
        self.stop()
        raise RuntimeError(
            f"the moto_bedrock server at {self.endpoint_url} did not answer within "
            f"{STARTUP_TIMEOUT:.0f}s:\n{tail}"
        )

    def _log_text(self) -> bytes:
        with open(self._log_path, "rb") as log:
            return log.read()

    def _log_tail(self) -> str:
        return self._log_text()[-4000:].decode(errors="replace")

    def stop(self) -> None:
        """Stop the server (and close its log)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None
        with contextlib.suppress(OSError):
            os.unlink(self._log_path)


def _remember(request: pytest.FixtureRequest, handle: BedrockFixture) -> None:
    """Let the report hook find ``handle`` until the fixture is torn down."""
    handles = request.node.stash.setdefault(_HANDLES, [])
    handles.append(handle)
    # The call's report is made before teardown; after it the item need not keep the mock.
    request.addfinalizer(lambda: handles.remove(handle))


def _load_marked_configs(request: pytest.FixtureRequest, handle: BedrockFixture) -> None:
    from .wire.streaming import ConfigError

    base = Path(request.node.path).parent
    # iter_markers yields the closest first; load the outermost first so the test's own wins.
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if not marker.args:
            pytest.fail(f"@pytest.mark.{MARKER} needs at least one file or dict", pytrace=False)
        for source in marker.args:
            try:
                handle.load_config(source if isinstance(source, Mapping) else base / source)
            except ConfigError as error:
                pytest.fail(f"@pytest.mark.{MARKER}: {error}", pytrace=False)


def _cassette_name(request: pytest.FixtureRequest) -> str:
    """The test's name as a file name (parametrized ids kept, odd characters replaced)."""
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
    return name.strip("._") or "cassette"


def _use_marked_cassette(request: pytest.FixtureRequest, handle: BedrockFixture) -> None:
    from .wire.streaming import ConfigError

    marker = request.node.get_closest_marker(CASSETTE_MARKER)
    if marker is None:
        return
    options = dict(marker.kwargs)
    if len(marker.args) > 1:
        pytest.fail(f"@pytest.mark.{CASSETTE_MARKER} takes one name", pytrace=False)
    name = marker.args[0] if marker.args else options.pop("name", None) or _cassette_name(request)
    config = request.config
    folder_option = config.getoption("--bedrock-cassette-dir")
    folder = (
        Path(config.rootpath) / folder_option
        if folder_option
        else Path(request.node.path).parent / "cassettes"
    )
    path = folder / (name if Path(name).suffix in (".yaml", ".yml", ".json") else f"{name}.yaml")
    options["mode"] = config.getoption("--bedrock-record-mode") or options.get("mode", "none")
    upstream = config.getoption("--bedrock-upstream")
    if upstream:
        options["upstream"] = {**(options.get("upstream") or {}), "endpoint_url": upstream}
    try:
        handle.control.use_cassette(path=str(path), **options)
    except (ConfigError, TypeError) as error:
        pytest.fail(f"@pytest.mark.{CASSETTE_MARKER}: {error}", pytrace=False)


@pytest.fixture
def bedrock(request: pytest.FixtureRequest) -> Iterator[BedrockFixture]:
    """An in-process ``mock_bedrock`` active for this test, with its control and clients."""
    from .mock import mock_bedrock

    with mock_bedrock() as mock:
        handle = BedrockFixture(mock.control(REGION), mock)
        _remember(request, handle)
        _load_marked_configs(request, handle)
        _use_marked_cassette(request, handle)
        yield handle


@pytest.fixture(scope="session")
def bedrock_server_session() -> Iterator[BedrockServer]:
    """The session's moto_bedrock server process (one per xdist worker)."""
    server = BedrockServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bedrock_server(
    request: pytest.FixtureRequest, bedrock_server_session: BedrockServer
) -> BedrockServerFixture:
    """The session's server, reset for this test, with a RemoteControl and clients."""
    handle = BedrockServerFixture(bedrock_server_session.endpoint_url)
    handle.reset()
    _remember(request, handle)
    _load_marked_configs(request, handle)
    _use_marked_cassette(request, handle)
    return handle
