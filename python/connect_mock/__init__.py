"""connect-mock for Python test suites: the bundled binary, a `Server` context manager, its mock
API, and a pytest plugin (fixtures `connect_mock_server` and `connect_mock`).

Importing this package uses the standard library only; `Server.client()` needs boto3.
"""
from ._server import BUNDLED_BINARY, ConnectMockError, MockAPIError, Server, ServerStartError, env

try:
    from ._version import __version__  # written by the wheel builder from the repository's VERSION
except ImportError:  # a source checkout
    __version__ = "0+unknown"

__all__ = ["Server", "ServerStartError", "MockAPIError", "ConnectMockError", "env", "BUNDLED_BINARY", "__version__"]
