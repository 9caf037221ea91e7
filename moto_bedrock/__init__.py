"""moto-bedrock: a free, offline, deterministic emulator of Amazon Bedrock, built on moto.

Importing the package installs our ``bedrock`` and ``bedrock-runtime`` backends into moto,
so plain ``moto.mock_aws``, ``ThreadedMotoServer`` and moto's server all serve them too.
"""

from . import services
from .behaviour.control import BedrockControl, RemoteControl
from .behaviour.history_view import HistoryView
from .mock import BedrockMock, mock_bedrock

__version__ = "0.1.0"
__all__ = [
    "BedrockControl",
    "BedrockMock",
    "HistoryView",
    "RemoteControl",
    "__version__",
    "mock_bedrock",
]

services.install()
