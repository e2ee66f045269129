"""`Server`: the bundled connect-mock binary as a context manager, and its mock API."""
import atexit
import contextlib
import copy
import datetime
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from ._defaults import PACKAGE_DIR, shipped_defaults

BUNDLED_BINARY = os.path.join(PACKAGE_DIR, "bin", "connect-mock")
LISTENING = "connect-mock listening on "
# The binary reads these over its config file; a Server's config is what it wrote, so its
# child process never sees them.
_CONNECT_MOCK_ENV = ("CONNECT_MOCK_CONFIG", "CONNECT_MOCK_HOST", "CONNECT_MOCK_PORT", "CONNECT_MOCK_DATABASE",
                     "CONNECT_MOCK_LOG_LEVEL", "CONNECT_MOCK_CLOCK")
# Sections replaced whole by a later layer rather than merged key by key: the clock is one of
# three forms ({now}, {offsetSeconds} or {}), and merging two forms would name both.
_REPLACED_WHOLE = ("clock",)
# No proxy for the mock API: it is always on this machine.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

_running = []  # started and not yet stopped, oldest first; env() without a server uses the last
_running_lock = threading.Lock()


class ConnectMockError(Exception):
    """Base class of this package's errors."""


class ServerStartError(ConnectMockError):
    """The server did not start: `stderr` holds what it wrote, `returncode` its exit code (or None)."""

    def __init__(self, message, stderr="", returncode=None):
        self.stderr = stderr
        self.returncode = returncode
        text = message
        if stderr.strip():
            text += "\n--- connect-mock stderr ---\n" + stderr.rstrip()
        super().__init__(text)


class MockAPIError(ConnectMockError):
    """A 4xx or 5xx answer of the mock API: `status`, `message`, and `path` when a member is at fault."""

    def __init__(self, status, message, path=None):
        self.status = status
        self.message = message
        self.path = path
        super().__init__(status, message)

    def __str__(self):
        where = f" (at {self.path})" if self.path else ""
        return f"{self.status}: {self.message}{where}"


def _merge(base, layer):
    """`layer` over `base`: mappings merged key by key, anything else (lists too) replaced."""
    out = dict(base)
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED_WHOLE:
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_config_file(path):
    """A config file as a dict: JSON with the standard library, YAML with PyYAML if installed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:
        try:
            import yaml  # optional: pip install "connect-mock[yaml]"
        except ImportError:
            raise ConnectMockError(
                f"{path} is not JSON, and reading YAML needs PyYAML (pip install 'connect-mock[yaml]'); "
                "or pass the config as a dict or a JSON file (JSON is YAML, the mock reads both)") from None
        data = yaml.safe_load(text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConnectMockError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    return data


def build_config(config=None, settings=None):
    """The config a Server writes: the shipped defaults, then `config` (a dict, or the path of a
    YAML or JSON file), then `settings` (top-level sections, as keyword arguments)."""
    merged = shipped_defaults()
    if config is not None:
        if isinstance(config, (str, os.PathLike)):
            config = _read_config_file(os.fspath(config))
        elif not isinstance(config, dict):
            raise TypeError(f"config must be a dict or a file path, not {type(config).__name__}")
        merged = _merge(merged, config)
    return _merge(merged, settings or {})


def _iso(now):
    if isinstance(now, datetime.datetime):
        if now.tzinfo is None:
            raise ValueError("set_clock(now=...) needs an aware datetime (e.g. tzinfo=datetime.timezone.utc)")
        return now.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(now, datetime.date):
        return now.isoformat() + "T00:00:00Z"
    return str(now)


class Server:
    """connect-mock in a child process, on a free port, with its store in a temporary folder.

    `Server(config=None, **settings)`: the config is the shipped defaults, then `config` (a dict or
    the path of a YAML/JSON file), then `settings` (top-level sections such as
    `clock={"now": "2022-03-01T00:00:00Z"}`); mappings merge key by key, lists and `clock` are
    replaced. The server listens on port 0 and keeps its SQLite file in a temporary folder unless
    `settings` itself sets `server.port` or `database.path`. Use it as a context manager, or call
    `start()` and `stop()`.
    """

    def __init__(self, config=None, *, binary=None, start_timeout=30.0, **settings):
        self.config = build_config(config, settings)
        self.binary = os.fspath(binary) if binary is not None else BUNDLED_BINARY
        self.start_timeout = start_timeout
        self._port_given = "port" in (settings.get("server") or {})
        self._database_given = "path" in (settings.get("database") or {})
        instance = (self.config.get("instances") or [{}])[0]
        credential = (self.config.get("credentials") or [{}])[0]
        self.instance_id = instance.get("id")
        self.region = instance.get("region")
        self.access_key_id = credential.get("accessKeyId")
        self.secret_access_key = credential.get("secretAccessKey")
        self.session_token = credential.get("sessionToken")
        self._admin_token = (self.config.get("admin") or {}).get("token")
        self.endpoint_url = None
        self.process = None
        self.directory = None
        self.config_path = None
        self.log_path = None
        self.returncode = None
        self._log = None
        self._stdout_drain = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def __repr__(self):
        state = self.endpoint_url or ("stopped" if self.returncode is not None else "not started")
        return f"<connect_mock.Server {state}>"

    def start(self):
        """Starts the server and waits until `GET /_mock/health` answers; raises ServerStartError."""
        if self.process is not None:
            raise ConnectMockError("this Server is already started")
        self.directory = tempfile.mkdtemp(prefix="connect-mock-")
        config = copy.deepcopy(self.config)
        if not self._port_given:
            config.setdefault("server", {})["port"] = 0
        if not self._database_given:
            config["database"] = {"path": os.path.join(self.directory, "contacts.sqlite")}
        self.config_path = os.path.join(self.directory, "config.json")
        with open(self.config_path, "w", encoding="utf-8") as f:
            json.dump(config, f, indent=1)  # JSON is YAML: the binary reads it as its config file
        self.log_path = os.path.join(self.directory, "server.log")
        self._log = open(self.log_path, "wb")
        env = {k: v for k, v in os.environ.items() if k not in _CONNECT_MOCK_ENV}
        try:
            self.process = subprocess.Popen([self.binary, "serve", "--config", self.config_path],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log,
                                            env=env)
        except OSError as e:
            self._cleanup()
            raise ServerStartError(f"cannot run {self.binary}: {e}") from e
        try:
            self.endpoint_url = self._await_listening(time.monotonic() + self.start_timeout)
            self._await_health(time.monotonic() + self.start_timeout)
        except BaseException:  # a failed start, or an interrupt while waiting: no process left behind
            self._terminate()
            self._cleanup()
            raise
        # Nothing else is written to stdout, but a drained pipe can never block the server.
        self._stdout_drain = threading.Thread(target=self._drain, args=(self.process.stdout,), daemon=True)
        self._stdout_drain.start()
        with _running_lock:
            _running.append(self)
        return self

    def stop(self):
        """SIGTERM, then waits for the server to drain and exit; removes the temporary folder.
        Returns the exit code (0 after a clean drain)."""
        if self.process is None:
            return self.returncode
        with _running_lock:
            if self in _running:
                _running.remove(self)
        self._terminate()
        self._cleanup()
        return self.returncode

    def logs(self):
        """What the server has written to stderr so far (its log)."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def _terminate(self):
        proc = self.process
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.returncode = proc.returncode
        if self._stdout_drain is not None:
            self._stdout_drain.join(timeout=5)  # the pipe is at its end once the process exited
            self._stdout_drain = None
        if proc.stdout:
            proc.stdout.close()
        self.process = None
        self.endpoint_url = None

    def _cleanup(self):
        if self._log:
            self._log.close()
            self._log = None
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    @staticmethod
    def _drain(stream):
        try:
            while stream.read(65536):
                pass
        except (OSError, ValueError):
            pass

    def _failed(self, message):
        proc = self.process
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        self._log.flush()
        return ServerStartError(message, stderr=self.logs(), returncode=proc.returncode)

    def _await_listening(self, deadline):
        """Reads the one line `serve` prints once it listens: `connect-mock listening on URL`."""
        fd = self.process.stdout.fileno()
        data = b""
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failed(f"connect-mock did not report listening within {self.start_timeout} s")
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                self.process.wait()
                raise self._failed(f"connect-mock exited with code {self.process.returncode} before listening")
            data += chunk
        line = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if not line.startswith(LISTENING):
            raise self._failed(f"unexpected first line from connect-mock: {line!r}")
        url = line[len(LISTENING):]
        parts = urllib.parse.urlsplit(url)
        # A wildcard listener is reached on loopback.
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(parts.hostname, parts.hostname)
        host = f"[{host}]" if ":" in host else host
        return f"{parts.scheme}://{host}:{parts.port}"

    def _await_health(self, deadline):
        while True:
            try:
                with _OPENER.open(self.endpoint_url + "/_mock/health", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if self.process.poll() is not None:
                raise self._failed(f"connect-mock exited with code {self.process.returncode} before answering /_mock/health")
            if time.monotonic() > deadline:
                raise self._failed(f"GET /_mock/health did not answer 200 within {self.start_timeout} s")
            time.sleep(0.02)

    # -- clients -----------------------------------------------------------------------------

    def client(self, service_name="connect", **kwargs):
        """A boto3 client pointed at this server with its first credential and instance's region;
        `kwargs` go to `boto3.client` and win (e.g. `config=botocore.config.Config(...)`)."""
        try:
            import boto3
        except ImportError:
            raise ConnectMockError("Server.client() needs boto3: pip install 'connect-mock[boto3]'") from None
        self._require_running()
        args = {"endpoint_url": self.endpoint_url, "region_name": self.region,
                "aws_access_key_id": self.access_key_id, "aws_secret_access_key": self.secret_access_key}
        if self.session_token:
            args["aws_session_token"] = self.session_token
        args.update(kwargs)
        return boto3.client(service_name, **args)

    def env(self):
        """Context manager: AWS_ENDPOINT_URL_CONNECT, the credentials and the region in os.environ
        for its duration only (see connect_mock.env)."""
        return env(self)

    def environment(self):
        """The variables env() sets, as a dict (for a subprocess's env=)."""
        self._require_running()
        out = {"AWS_ENDPOINT_URL_CONNECT": self.endpoint_url, "AWS_ACCESS_KEY_ID": self.access_key_id,
               "AWS_SECRET_ACCESS_KEY": self.secret_access_key, "AWS_DEFAULT_REGION": self.region,
               "AWS_REGION": self.region}
        if self.session_token:
            out["AWS_SESSION_TOKEN"] = self.session_token
        return out

    # -- the mock API (/_mock/) -----------------------------------------------------------------

    def api(self, method, path, body=None, query=None):
        """Any mock API route: `api("GET", "/_mock/contacts", query={"limit": 10})`. Returns the
        parsed JSON (None for an empty answer); raises MockAPIError on a 4xx or 5xx."""
        self._require_running()
        url = self.endpoint_url + path
        if query:
            pairs = [(k, v) for k, v in query.items() if v is not None]
            if pairs:
                url += "?" + urllib.parse.urlencode(pairs)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self._admin_token:
            headers["X-Mock-Admin-Token"] = self._admin_token
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with _OPENER.open(request, timeout=60) as r:
                raw = r.read()
                content_type = r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            raw = e.read()
            message, member = raw.decode("utf-8", "replace"), None
            try:
                parsed = json.loads(raw)
                message, member = parsed.get("message", message), parsed.get("path")
            except (ValueError, AttributeError):
                pass
            raise MockAPIError(e.code, message, member) from None
        if not raw:
            return None
        if "json" in content_type:
            return json.loads(raw)
        return raw.decode("utf-8", "replace")

    def reset(self):
        """POST /_mock/reset: configured clock and faults, empty journal, store seeded again."""
        return self.api("POST", "/_mock/reset")

    def put_contacts(self, *contacts):
        """POST /_mock/contacts: upserts contacts (any fixture form each) in one transaction."""
        return self.api("POST", "/_mock/contacts", body=list(contacts))

    def set_clock(self, now=None, offset_seconds=None, system=False):
        """PUT /_mock/clock with exactly one of: `now` (ISO 8601 string or aware datetime: frozen),
        `offset_seconds` (shifted from system time) or `system=True`."""
        given = [now is not None, offset_seconds is not None, bool(system)]
        if sum(given) != 1:
            raise TypeError("set_clock() takes exactly one of now=, offset_seconds= or system=True")
        if now is not None:
            body = {"now": _iso(now)}
        elif offset_seconds is not None:
            body = {"offsetSeconds": offset_seconds}
        else:
            body = {"mode": "system"}
        return self.api("PUT", "/_mock/clock", body=body)

    def requests(self, operation=None):
        """GET /_mock/requests[?operation=]: the journal of AWS calls, oldest first."""
        return self.api("GET", "/_mock/requests", query={"operation": operation})

    def set_faults(self, *rules):
        """PUT /_mock/faults: replaces the fault rules (none clears them)."""
        return self.api("PUT", "/_mock/faults", body={"faults": list(rules)})

    def events(self, after=None):
        """GET /_mock/events[?after=cursor]: the contact events feed (SPEC §9)."""
        return self.api("GET", "/_mock/events", query={"after": after})

    def _require_running(self):
        if self.endpoint_url is None:
            raise ConnectMockError("this Server is not running (use it as a context manager or call start())")


@atexit.register
def _stop_all():
    """A server not stopped by its owner is stopped when the interpreter exits, not left running."""
    with _running_lock:
        servers = list(_running)
    for server in reversed(servers):
        server.stop()


@contextlib.contextmanager
def env(server=None):
    """Sets AWS_ENDPOINT_URL_CONNECT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
    AWS_SESSION_TOKEN when the credential has one), AWS_DEFAULT_REGION and AWS_REGION for the
    duration of the block, then restores what was there. `server` defaults to the Server started
    last in this process that is still running."""
    if server is None:
        with _running_lock:
            if not _running:
                raise ConnectMockError("connect_mock.env() needs a running Server (or pass one)")
            server = _running[-1]
    values = server.environment()
    names = list(values) + (["AWS_SESSION_TOKEN"] if "AWS_SESSION_TOKEN" not in values else [])
    saved = {name: os.environ.get(name) for name in names}
    try:
        os.environ.pop("AWS_SESSION_TOKEN", None)  # a stray token would be sent with the mock's key
        os.environ.update(values)
        yield values
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
