"""The `connect-mock` console script: runs the bundled binary with its arguments."""
import hashlib
import json
import os
import sys
import tempfile

from ._defaults import shipped_defaults
from ._server import BUNDLED_BINARY


def _defaults_file():
    """A config file holding the shipped defaults with this package's seed-data.

    The binary's built-in defaults seed from `seed-data` in the working directory, which a pip
    install does not have; so when nothing else names a config, the script points
    CONNECT_MOCK_CONFIG at this file (written once per install location, in the temp folder).
    """
    text = json.dumps(shipped_defaults(), indent=1) + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = os.path.join(tempfile.gettempdir(), f"connect-mock-{os.getuid()}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, f"defaults-{digest}.json")
    if not os.path.exists(path):
        partial = f"{path}.{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(partial, path)
    return path


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    # The binary looks for --config, then $CONNECT_MOCK_CONFIG, then ./config.yaml, then its
    # built-in defaults: only that last case is replaced (by the same defaults, seeded from the
    # package's own copy of seed-data). --config beats the variable, so it needs no check here.
    if not os.environ.get("CONNECT_MOCK_CONFIG") and not os.path.exists("config.yaml"):
        try:
            os.environ["CONNECT_MOCK_CONFIG"] = _defaults_file()
        except OSError:
            pass  # no writable temp folder: the binary's own defaults
    os.execv(BUNDLED_BINARY, [BUNDLED_BINARY] + args)


if __name__ == "__main__":
    main()
