"""The route of every operation of the Bedrock services, for routing comparisons."""

from __future__ import annotations

import re

from botocore.session import get_session


def operation_routes(services: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(service, method, path, region) for each operation of ``services``.

    Path labels are filled with a value that needs escaping (``arn%3Aaws%3Ax``; greedy labels
    ``a/b%2Fc``), and the region alternates, so a route keyed on either is exercised.
    """
    session = get_session()
    routes = []
    for service in services:
        model = session.get_service_model(service)
        for index, name in enumerate(model.operation_names):
            http = model.operation_model(name).http
            path = re.sub(r"\{[^}]+\+\}", "a/b%2Fc", http["requestUri"].split("?")[0])
            path = re.sub(r"\{[^}]+\}", "arn%3Aaws%3Ax", path)
            region = ("us-east-1", "eu-west-3")[index % 2]
            routes.append((service, http["method"], path, region))
    return routes
