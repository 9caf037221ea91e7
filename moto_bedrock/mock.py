"""``mock_bedrock``: moto's ``mock_aws`` with our Bedrock installed, usable every way.

It wraps (never subclasses) the mock that ``moto.mock_aws`` would create, so nesting with
``mock_aws`` shares moto's single patching state, and adds what ``mock_aws`` lacks:
``async def`` tests, aiobotocore clients in-process, and config honoured in the bare
decorator form.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, overload

import moto
from moto.core.config import DefaultConfig
from moto.core.models import DEFAULT_ACCOUNT_ID

from . import _aio, _moto, services

if TYPE_CHECKING:
    from .behaviour.control import BedrockControl

__all__ = ["BedrockMock", "mock_bedrock"]

F = TypeVar("F", bound=Callable[..., Any])


class BedrockMock:
    """An active-or-not mock of all of AWS with our Bedrock; see :func:`mock_bedrock`."""

    def __init__(
        self, config: DefaultConfig | None = None, cassette: Mapping[str, Any] | None = None
    ) -> None:
        services.install()
        _aio.install()
        self._mock = moto.mock_aws(config=config)
        self._cassette = dict(cassette) if cassette is not None else None

    def control(self, region: str | None = None, account_id: str | None = None) -> BedrockControl:
        """The control API for one region (default: ``AWS_DEFAULT_REGION`` or us-east-1)."""
        from .behaviour.control import BedrockControl

        return BedrockControl(
            region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
            account_id or DEFAULT_ACCOUNT_ID,
        )

    def start(self, reset: bool = True) -> None:
        """Start mocking; ``reset=False`` keeps the state left by an earlier mock."""
        self._mock.start(reset=reset)
        if self._cassette is not None:
            self.control().use_cassette(**self._cassette)

    def stop(self, remove_data: bool = True) -> None:
        """Stop mocking; ``remove_data=False`` keeps the state for a later mock."""
        self._mock.stop(remove_data=remove_data)

    def __enter__(self) -> BedrockMock:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __call__(self, func: F, reset: bool = True, remove_data: bool = True) -> F:
        if inspect.isclass(func):
            return _moto.decorate_class(self, func)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                self.start(reset=reset)
                try:
                    return await func(*args, **kwargs)
                finally:
                    self.stop(remove_data=remove_data)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.start(reset=reset)
            try:
                return func(*args, **kwargs)
            finally:
                self.stop(remove_data=remove_data)

        return wrapper  # type: ignore[return-value]


@overload
def mock_bedrock(
    func: F, *, config: DefaultConfig | None = None, cassette: Mapping[str, Any] | None = None
) -> F: ...
@overload
def mock_bedrock(
    func: None = None,
    *,
    config: DefaultConfig | None = None,
    cassette: Mapping[str, Any] | None = None,
) -> BedrockMock: ...


def mock_bedrock(
    func: F | None = None,
    *,
    config: DefaultConfig | None = None,
    cassette: Mapping[str, Any] | None = None,
) -> F | BedrockMock:
    """Mock all of AWS, with moto-bedrock serving ``bedrock`` and ``bedrock-runtime``.

    Use it like ``moto.mock_aws``: ``@mock_bedrock`` on a function (sync or async) or a
    test class, ``with mock_bedrock():``, or ``m = mock_bedrock(); m.start(); m.stop()``.
    Under ``TEST_SERVER_MODE=true`` it points boto3 at the running server instead.
    ``cassette`` (``{"path": ..., "mode": ..., "upstream": ...}``, as ``use_cassette``
    takes) records and replays runtime calls while the mock is active.
    """
    mock = BedrockMock(config, cassette)
    return mock if func is None else mock(func)
