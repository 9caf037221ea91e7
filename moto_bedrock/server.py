"""``moto_bedrock_server``: every moto service, with our Bedrock, on one port.

It takes ``moto_server``'s flags and defaults (``-H``, ``-p``/``MOTO_PORT``, ``-r``, ``-s``,
``-c``/``-k``) plus ``--config FILE`` (repeatable): config files (YAML or JSON, see
``docs/config.md``) loaded at start and again whenever a backend is created, so they still
hold after ``POST /moto-api/reset``. A bad file stops the server before it listens, with
the reason on stderr. It serves HTTP/1.1 and cleartext HTTP/2 (:mod:`moto_bedrock.httpd`);
``--server werkzeug`` runs moto's own development server instead.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from . import __version__, services
from .wire import guard

DESCRIPTION = (
    "moto-bedrock: a free, offline, deterministic Amazon Bedrock emulator, serving every "
    "moto service on one port (HTTP/1.1 and cleartext HTTP/2)."
)
SERVERS = ("hypercorn", "werkzeug")


def prog_name() -> str:
    """How the user started us: ``python -m moto_bedrock`` or the script's own name."""
    if os.path.basename(sys.argv[0]) == "__main__.py":
        return "python -m moto_bedrock"
    return os.path.basename(sys.argv[0]) or "moto_bedrock_server"


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The command line: moto_server's flags, then moto-bedrock's own."""
    from .httpd import DEFAULT_MAX_BODY, DEFAULT_THREADS

    parser = argparse.ArgumentParser(prog=prog or prog_name(), description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=version_text())
    moto = parser.add_argument_group("moto_server's options")
    moto.add_argument("-H", "--host", default="127.0.0.1", help="Which host to bind")
    moto.add_argument(
        "-p",
        "--port",
        type=int,
        default=int(os.environ.get("MOTO_PORT", 5000)),
        help="Port number to use for connection (default: $MOTO_PORT or 5000)",
    )
    moto.add_argument("-r", "--reload", action="store_true", help="Reload server on a file change")
    moto.add_argument(
        "-s",
        "--ssl",
        action="store_true",
        help="Enable SSL encrypted connection with auto-generated certificate (use https://... URL)",
    )
    moto.add_argument("-c", "--ssl-cert", help="Path to SSL certificate")
    moto.add_argument("-k", "--ssl-key", help="Path to SSL private key")
    ours = parser.add_argument_group("moto-bedrock's options")
    ours.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="FILE",
        help="load this YAML/JSON config at start and after every reset (repeatable; "
        "later files replace the sections they name)",
    )
    ours.add_argument(
        "--server",
        choices=SERVERS,
        default="hypercorn",
        help="the HTTP server: hypercorn (default; HTTP/1.1 and HTTP/2, keep-alive) or "
        "werkzeug (moto_server's development server, HTTP/1.1 only)",
    )
    ours.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"requests handled at once (default: {DEFAULT_THREADS})",
    )
    ours.add_argument(
        "--max-body-size",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help=f"larger request bodies are answered 400 (default: {DEFAULT_MAX_BODY})",
    )
    guard.add_flags(ours)
    return parser


def version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return f"moto-bedrock {__version__} (moto {of('moto')}, hypercorn {of('hypercorn')})"


def load_startup_configs(paths: Sequence[str]) -> list[str]:
    """Read, check and apply the ``--config`` files; raises ConfigError naming the file.

    Returns one line per file saying what it sets, for the banner.
    """
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
    lines = []
    for startup in chosen:
        where = "every region" if startup.regions is None else ", ".join(sorted(startup.regions))
        sections = ", ".join(key for key in startup.config if key != "regions") or "nothing"
        lines.append(f"config {startup.source}: sets {sections} ({where})")
    return lines


def banner(url: str, server: str, config_lines: Sequence[str]) -> str:
    """What the server prints once it listens (``Running on`` is what tools wait for)."""
    protocols = "HTTP/1.1 and HTTP/2" if server == "hypercorn" else "HTTP/1.1"
    lines = [
        f"{version_text()}",
        f" * Running on {url} ({server}, {protocols})",
        *(f" * {line}" for line in config_lines),
        f" * State: GET {url}/moto-api/bedrock/   Reset: POST {url}/moto-api/reset",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the server; ``argv`` defaults to the command line, as for ``moto_server``."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        guard.configure_from(args)
    except ValueError as error:
        parser.error(str(error))
    services.install()
    from .wire.streaming import ConfigError

    try:
        config_lines = load_startup_configs(args.config)
    except ConfigError as error:
        sys.stderr.write(f"{prog_name()}: error: {error}\n")
        raise SystemExit(2) from None
    os.environ.setdefault("MOTO_PORT", str(args.port))
    if args.server == "werkzeug":
        _run_werkzeug(args, config_lines)
    elif args.reload:
        from werkzeug._reloader import run_with_reloader

        run_with_reloader(lambda: _run_hypercorn(args, config_lines))
    else:
        _run_hypercorn(args, config_lines)


def _tls_files(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The certificate and key files for ``-s``/``-c``/``-k`` (``-s``: made up now)."""
    if args.ssl_cert and args.ssl_key:
        return args.ssl_cert, args.ssl_key
    if not args.ssl:
        return None, None
    from cryptography.hazmat.primitives import serialization
    from werkzeug.serving import generate_adhoc_ssl_pair

    cert, key = generate_adhoc_ssl_pair()
    folder = tempfile.mkdtemp(prefix="moto-bedrock-tls-")
    cert_path, key_path = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    with open(cert_path, "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as out:
        out.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


def _run_hypercorn(args: argparse.Namespace, config_lines: Sequence[str]) -> None:
    import asyncio

    from ._moto import wsgi_app
    from .httpd import BedrockHTTPServer, ServerSettings

    certfile, keyfile = _tls_files(args)
    settings = ServerSettings(
        host=args.host,
        port=args.port,
        certfile=certfile,
        keyfile=keyfile,
        threads=args.threads,
        max_body=args.max_body_size,
    )
    server = BedrockHTTPServer(wsgi_app(), settings)
    sys.stdout.write(banner(server.url, "hypercorn", config_lines))
    sys.stdout.flush()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.shutdown)
        await server.serve()

    asyncio.run(run())


def _run_werkzeug(args: argparse.Namespace, config_lines: Sequence[str]) -> None:
    from moto.server import main as moto_main

    scheme = "https" if args.ssl or (args.ssl_cert and args.ssl_key) else "http"
    sys.stdout.write(banner(f"{scheme}://{args.host}:{args.port}", "werkzeug", config_lines))
    sys.stdout.flush()
    moto_args: list[Any] = ["--host", args.host, "--port", str(args.port)]
    if args.reload:
        moto_args.append("--reload")
    if args.ssl:
        moto_args.append("--ssl")
    if args.ssl_cert:
        moto_args += ["--ssl-cert", args.ssl_cert]
    if args.ssl_key:
        moto_args += ["--ssl-key", args.ssl_key]
    moto_main(moto_args)


if __name__ == "__main__":
    main()
