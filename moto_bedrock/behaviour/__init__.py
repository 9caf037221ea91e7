"""Scripted behaviour of the mocked runtime: replies, faults, quotas, latency, the clock.

One :class:`Behaviour` lives on each ``bedrock-runtime`` backend (so moto's reset clears
it). The backend asks it three things per call: may this call go ahead (:meth:`admit`:
injected faults, then quotas), what is the reply (:meth:`respond`), and what did it cost
(:meth:`settle`). Each area is a module with its state and its control operations.
"""

from __future__ import annotations

from collections.abc import Callable

from ..bedrockruntime.exceptions import BedrockError, ValidationException
from ..generation.patterns import PatternTimeout
from ..generation.responders import Invocation, Reply, Responder
from ..generation.synth import SchemaBudgetExceeded
from ..wire.streaming import StreamSettings
from .cassettes import CassettePlan
from .clock import Clock
from .faults import FaultPlan
from .guardrails import GuardrailForcing
from .jobs import JobPlan
from .latency import LatencyPlan
from .quotas import QuotaPlan
from .replies import ReplyScript

__all__ = ["Behaviour"]


class Behaviour:
    """All scripted behaviour of one backend."""

    def __init__(self, clock: Callable[[], Clock] | None = None) -> None:
        # The clock may belong to someone else (the control-plane backend owns the one its
        # resources' statuses and the runtime's quotas share): then it is looked up on use.
        own = Clock()
        self._clock: Callable[[], Clock] = clock or (lambda: own)
        self.replies = ReplyScript()
        self.faults = FaultPlan()
        self.quotas = QuotaPlan()
        self.latency = LatencyPlan()
        self.jobs = JobPlan()
        self.guardrails = GuardrailForcing()
        self.cassette = CassettePlan()

    @property
    def clock(self) -> Clock:
        return self._clock()

    @property
    def clock_source(self) -> Callable[[], Clock]:
        return self._clock

    def admit(self, operation: str, model_id: str, requested_id: str) -> None:
        """Raise the injected fault or quota error this call meets, if any.

        ``model_id`` is the resolved base model id, ``requested_id`` what the caller sent.
        """
        fault: BedrockError | None = self.faults.take(operation, model_id, requested_id)
        if fault is not None:
            raise fault
        if operation != "CountTokens":  # counting tokens runs no inference: no quota
            self.quotas.admit(model_id, requested_id, self.clock.now())

    def respond(self, invocation: Invocation, fallback: Responder) -> tuple[Reply, str]:
        """The reply to ``invocation`` and which responder or rule gave it.

        A schema or a rule's regex past its budget is the request's fault (its schema or
        its text), so it is answered as a ValidationException naming what ran over.
        """
        try:
            return self.replies.respond(invocation, fallback)
        except SchemaBudgetExceeded as error:
            # Bedrock's text for this case is not known (unverified): ours names the keyword.
            raise ValidationException(
                f"The provided JSON schema is too complex to satisfy: {error}."
            ) from None
        except PatternTimeout as error:
            raise ValidationException(f"A reply rule could not be checked: {error}.") from None

    def settle(self, model_id: str, requested_id: str, tokens: int) -> None:
        """Charge a finished call's tokens to its quotas."""
        self.quotas.settle(model_id, requested_id, tokens, self.clock.now())

    def timing(self, model_id: str, requested_id: str, base: StreamSettings) -> StreamSettings:
        """The stream settings with this model's latency applied."""
        return self.latency.settings_for(model_id, requested_id, base)
