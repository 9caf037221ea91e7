"""``moto_bedrock_server``: moto's server with our Bedrock installed.

It takes exactly ``moto_server``'s flags and defaults (host, port, ``--reload``, SSL...)
and serves every other moto service as well, plus ``--config FILE`` (repeatable): config
files (YAML or JSON, see ``docs/config.md``) loaded at start and again whenever a backend
is created, so they still hold after ``POST /moto-api/reset``. A bad file stops the server
before it listens, with the reason on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import services

CONFIG_HELP = (
    "  --config FILE   moto-bedrock: load this YAML/JSON config at start and after every\n"
    "                  reset (repeatable; later files replace the sections they name)\n"
)


def split_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``argv`` split into the config files and the arguments meant for moto's server."""
    # Only the full spelling is ours (no abbreviations), so none of moto's flags is taken.
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--config", action="append", default=[], metavar="FILE")
    ours, rest = parser.parse_known_args(list(argv))
    return list(ours.config), rest


def load_startup_configs(paths: Sequence[str]) -> None:
    """Read, check and apply the ``--config`` files; raises ConfigError naming the file."""
    from moto.core.models import DEFAULT_ACCOUNT_ID

    from .bedrockruntime.models import bedrockruntime_backends
    from .behaviour.config import apply_startup_config, read_config_file, set_startup_configs

    default_region = os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    documents = [(path, read_config_file(path)) for path in paths]
    chosen = set_startup_configs(documents, default_region)
    # Apply now to the regions named, so the config is in place before the first request
    # even where backends would not otherwise re-read it when they are created.
    account = bedrockruntime_backends[DEFAULT_ACCOUNT_ID]
    regions: set[str] = set()
    for startup in chosen:
        regions.update(account.regions if startup.regions is None else startup.regions)
    for region in sorted(regions):
        apply_startup_config(account[region])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the server; ``argv`` defaults to the command line, as for ``moto_server``."""
    services.install()
    from moto.server import main as moto_main

    from .wire import guard
    from .wire.streaming import ConfigError

    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        sys.stdout.write(
            "moto_bedrock_server: moto_server's options, and\n"
            + CONFIG_HELP
            + guard.FLAGS_HELP
            + "\n"
        )
    configs, rest = split_args(guard.apply_flags(args))
    try:
        load_startup_configs(configs)
    except ConfigError as error:
        sys.stderr.write(f"moto_bedrock_server: error: {error}\n")
        raise SystemExit(2) from None
    # moto reads sys.argv when handed an empty list, which would still hold --config; its
    # default host, given explicitly, means the same as no argument at all. (sys.argv itself
    # is left alone: --reload restarts the process from it, config included.)
    moto_main(rest or ["--host", "127.0.0.1"])


if __name__ == "__main__":
    main()
