"""``python -m moto_bedrock``: the same as the ``moto_bedrock_server`` command."""

from .server import main

main()
