"""``moto_bedrock_server``: moto's server with our Bedrock installed.

It takes exactly ``moto_server``'s flags and defaults (host, port, ``--reload``, SSL...)
and serves every other moto service as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _moto


def main(argv: Sequence[str] | None = None) -> None:
    """Run the server; ``argv`` defaults to the command line, as for ``moto_server``."""
    _moto.install()
    from moto.server import main as moto_main

    moto_main(list(argv) if argv is not None else None)


if __name__ == "__main__":
    main()
