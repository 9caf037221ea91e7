"""The moto behaviours moto_bedrock._moto relies on. If one fails, moto changed under us.

Each test names the assumption; the fix belongs in moto_bedrock/_moto.py.
"""

from __future__ import annotations

import inspect
from typing import Any

import boto3
import moto
import moto.backends
import pytest
from moto.core.base_backend import BackendDict
from moto.core.errors import get_exception_service_model
from moto.core.models import MockAWS
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from moto_bedrock import _moto, services
from moto_bedrock.bedrock.models import BedrockBackend, bedrock_backends
from moto_bedrock.bedrockruntime.exceptions import ValidationException
from moto_bedrock.bedrockruntime.models import BedrockRuntimeBackend, bedrockruntime_backends


def test_moto_is_the_tested_minor_series() -> None:
    assert moto.__version__.startswith("5.2."), moto.__version__


def test_get_backend_returns_ours_after_install_and_install_is_idempotent() -> None:
    services.install()
    services.install()
    assert moto.backends.get_backend("bedrock") is bedrock_backends
    assert moto.backends.get_backend("bedrock-runtime") is bedrockruntime_backends
    assert services.is_installed()


def test_moto_bedrock_response_reads_the_module_global_backends() -> None:
    import moto.bedrock.responses as moto_responses

    source = inspect.getsource(moto_responses.BedrockResponse)
    assert "bedrock_backends[" in source
    assert moto_responses.bedrock_backends is bedrock_backends  # type: ignore[attr-defined]


def test_url_module_is_derived_from_the_models_module() -> None:
    backend = BedrockRuntimeBackend("us-east-1", "123456789012")
    assert backend._url_module.__name__ == "moto_bedrock.bedrockruntime.urls"
    control = BedrockBackend("us-east-1", "123456789012")
    assert control._url_module.__name__ == "moto_bedrock.bedrock.urls"


def test_error_serializer_finds_a_service_from_our_exception_module() -> None:
    model = get_exception_service_model(ValidationException("x"))
    assert model is not None and model.service_name == "bedrock-runtime"


def test_backend_dict_reset_reaches_our_backends() -> None:
    backend = bedrockruntime_backends["123456789012"]["us-east-1"]
    backend.prompt_cache.hit("key")
    BackendDict.reset()
    fresh = bedrockruntime_backends["123456789012"]["us-east-1"]
    assert not fresh.prompt_cache.hit("key")


def environ(path: str, method: str = "POST") -> dict[str, Any]:
    return {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "HTTP_HOST": "127.0.0.1:5000",
        "HTTP_AUTHORIZATION": (
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=host, Signature=x"
        ),
        "wsgi.input": None,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "5000",
        "wsgi.url_scheme": "http",
    }


def test_server_routes_the_shared_signing_name_by_path() -> None:
    app = DomainDispatcherApplication(create_app=lambda service: None)  # type: ignore[arg-type,return-value]
    runtime = app.infer_service_region_host(environ("/model/x.y/converse"), "/model/x.y/converse")
    control = app.infer_service_region_host(
        environ("/foundation-models", "GET"), "/foundation-models"
    )
    assert runtime == "bedrock-runtime.us-east-1.amazonaws.com"
    assert control == "bedrock.us-east-1.amazonaws.com"


def test_mock_aws_counts_nesting_on_the_class() -> None:
    # Why mock_bedrock wraps a moto mock instead of subclassing MockAWS.
    source = inspect.getsource(MockAWS.start)
    assert "self.__class__._nested_count += 1" in source


def test_decorate_class_calls_the_mock_with_reset_flags() -> None:
    source = inspect.getsource(MockAWS._decorate_class)
    assert "self(attr_value, **kwargs)" in source
    assert '"reset": should_reset' in source


def test_every_error_class_lives_where_moto_can_find_its_service() -> None:
    # moto derives a service from exception.__module__.split(".")[1] for "moto*" modules;
    # an error class defined anywhere else would crash the error serializer.
    import importlib
    import pkgutil

    import moto_bedrock
    from moto_bedrock.bedrockruntime.exceptions import BedrockError

    for info in pkgutil.walk_packages(moto_bedrock.__path__, "moto_bedrock."):
        if not info.name.endswith("__main__"):  # that one starts the server
            importlib.import_module(info.name)

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    for cls in subclasses(BedrockError):
        assert cls.__module__.split(".")[1] in (
            "bedrock",
            "bedrockruntime",
            "bedrockagentruntime",
        ), cls


def test_moto_serves_bedrock_agent_runtime_through_our_package() -> None:
    # serve_service relies on get_backend importing "moto.<name>", on the URL pattern list
    # both modes read, and on the server's hook that names a request's service.
    import moto.backend_index
    import moto.backends
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from moto_bedrock import services
    from moto_bedrock.bedrockagentruntime import bedrockagentruntime_backends

    services.install()
    assert moto.backends.get_backend("bedrock-agent-runtime") is bedrockagentruntime_backends  # type: ignore[call-overload]
    names = [name for name, _ in moto.backend_index.backend_url_patterns]
    assert names.count("bedrockagentruntime") == 1
    assert callable(DomainDispatcherApplication.infer_service_region_host)


def test_an_unmocked_client_skips_motos_stubber(monkeypatch: pytest.MonkeyPatch) -> None:
    # _moto.unmocked relies on moto intercepting through one "before-send" handler that
    # every client gets: a recording client must reach the real endpoint past it.
    from moto.core.botocore_stubber import BotocoreStubber

    seen: list[str] = []
    monkeypatch.setattr(
        BotocoreStubber, "__call__", lambda self, event_name, request, **kw: seen.append(event_name)
    )
    mocked = boto3.client("bedrock-runtime", region_name="us-east-1")
    free = _moto.unmocked(boto3.client("bedrock-runtime", region_name="us-east-1"))
    for client in (mocked, free):
        client.meta.events.emit("before-send.bedrock-runtime.Converse", request=None)
    assert seen == ["before-send.bedrock-runtime.Converse"]
