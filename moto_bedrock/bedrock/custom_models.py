"""Custom models and the jobs that make them: customization, copy and import.

* A **customization job** (``model-customization-job/<base id>/<12 chars>``) is
  ``InProgress`` for :data:`JOB_SECONDS` on the behaviour clock, then ``Completed``; its
  output custom model (``custom-model/<base id>/<12 chars>``) exists from then on. Stopping
  it first leaves it ``Stopped`` and makes no model.
* **CreateCustomModel** registers a model from S3 (``Creating`` then ``Active``).
* A **copy job** copies a custom model from another region (or this one) into this region
  under a new name; the copy exists once the job is ``Completed``.
* An **import job** makes an imported model (``imported-model/<12 chars>``). Its
  architecture picks the native body format it answers in; we cannot read the weights,
  so it is the first of :data:`ARCHITECTURES` named in the S3 URI or the model name
  (``llama`` otherwise).

Custom models answer like their base model, through provisioned throughput or a custom
model deployment; imported models are invoked on demand by their ARN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..catalog import FoundationModel, load_catalog
from ..catalog.resolution import find_foundation_model
from .common import (
    ConflictException,
    Lifecycle,
    Progress,
    ResourceNotFoundException,
    Scope,
    Store,
    ValidationException,
    page,
    timestamp,
)
from .common.filters import narrowed
from .invocable import Target
from .provisioned import ModelRef

__all__ = ["ARCHITECTURES", "CustomModels"]

JOB_SECONDS = 3600.0
COPY_SECONDS = 600.0
IMPORT_SECONDS = 900.0
MODEL_SECONDS = 300.0
CUSTOMIZING = Lifecycle.of(("InProgress", JOB_SECONDS), then="Completed")
COPYING = Lifecycle.of(("InProgress", COPY_SECONDS), then="Completed")
IMPORTING = Lifecycle.of(("InProgress", IMPORT_SECONDS), then="Completed")
REGISTERING = Lifecycle.of(("Creating", MODEL_SECONDS), then="Active")

#: Imported-model architectures we answer for, and the catalog model whose body format
#: (codec) and limits each uses.
ARCHITECTURES: dict[str, str] = {
    "mixtral": "mistral.mixtral-8x7b-instruct-v0:1",
    "mistral": "mistral.mistral-7b-instruct-v0:2",
    "llama": "meta.llama3-1-8b-instruct-v1:0",
}

# Unverified texts.
JOB_NOT_FOUND = "Model customization job {id} not found."
MODEL_NOT_FOUND = "Custom model {id} not found."
COPY_NOT_FOUND = "Model copy job {id} not found."
IMPORT_NOT_FOUND = "Model import job {id} not found."
IMPORTED_NOT_FOUND = "Imported model {id} not found."
NAME_TAKEN = "A {what} with the name {name} already exists."
NOT_CUSTOMIZABLE = "The base model {id} does not support {kind} customization."
NOT_STOPPABLE = "The job {id} is {status} and cannot be stopped."


@dataclass
class CustomModel:
    name: str
    base: FoundationModel
    created: datetime
    job: Job | None = None  # made by a job: exists once the job has completed
    progress: Progress | None = None  # registered from S3: Creating -> Active
    details: dict[str, Any] = field(default_factory=dict)
    source_arn: str | None = None  # copied from

    @property
    def exists(self) -> bool:
        return self.job is None or self.job.progress.status == "Completed"

    @property
    def status(self) -> str:
        return self.progress.status if self.progress is not None else "Active"


@dataclass
class Job:
    name: str
    request: dict[str, Any]
    created: datetime
    progress: Progress
    output_id: str | None = None


@dataclass
class ImportedModel:
    name: str
    job: Job
    architecture: str
    created: datetime


class CustomModels:
    def __init__(
        self,
        scope: Scope,
        elsewhere: Callable[[str], CustomModels | None],
    ) -> None:
        self.scope = scope
        #: This family in another region of the same account (copy jobs read from there).
        self.elsewhere = elsewhere
        self.models: Store[CustomModel] = Store(
            scope, "custom-model", MODEL_NOT_FOUND, name_of=lambda m: m.name
        )
        self.jobs: Store[Job] = Store(
            scope, "model-customization-job", JOB_NOT_FOUND, name_of=lambda j: j.name
        )
        self.copies: Store[Job] = Store(scope, "model-copy-job", COPY_NOT_FOUND)
        self.imports: Store[Job] = Store(
            scope, "model-import-job", IMPORT_NOT_FOUND, name_of=lambda j: j.name
        )
        self.imported: Store[ImportedModel] = Store(
            scope, "imported-model", IMPORTED_NOT_FOUND, name_of=lambda m: m.name
        )

    # -- shared --------------------------------------------------------------------------

    def _base(self, identifier: str) -> FoundationModel:
        model = find_foundation_model(load_catalog(), identifier, self.scope.region)
        if model is None:
            raise ResourceNotFoundException(f"Base model {identifier} not found.")  # unverified
        return model

    def _fm_arn(self, model: FoundationModel) -> str:
        return model.arn(self.scope.region, self.scope.partition)

    def _add_model(self, model: CustomModel, tags: list[dict[str, Any]] | None) -> str:
        model_id = self.models.new_id()
        arn = self.scope.arn("custom-model", f"{model.base.model_id}/{model_id}")
        self.models.add(model_id, model, arn)
        self.scope.tags.tag(arn, tags)
        return model_id

    def find_model(self, identifier: str) -> tuple[str, CustomModel] | None:
        found = self.models.find(identifier)
        return found if found is not None and found[1].exists else None

    def _model(self, identifier: str) -> tuple[str, CustomModel]:
        found = self.find_model(identifier)
        if found is None:
            raise ResourceNotFoundException(MODEL_NOT_FOUND.format(id=identifier))
        return found

    def model_ref(self, identifier: str) -> ModelRef | None:
        """A custom model as provisioned throughput and deployments see it, if it is one."""
        found = self.find_model(identifier)
        if found is None:
            return None
        model_id, model = found
        return ModelRef(self.models.arn_of(model_id), model.base.model_id, self._fm_arn(model.base))

    # -- customization jobs --------------------------------------------------------------

    def create_customization_job(self, request: dict[str, Any]) -> dict[str, Any]:
        for store, name, what in (
            (self.jobs, request["jobName"], "model customization job"),
            (self.models, request["customModelName"], "custom model"),
        ):
            if store.find(name) is not None:
                raise ConflictException(NAME_TAKEN.format(what=what, name=name))
        base = self._base(request["baseModelIdentifier"])
        kind = request.get("customizationType") or "FINE_TUNING"
        if kind not in base.customizations_supported:
            raise ValidationException(NOT_CUSTOMIZABLE.format(id=base.model_id, kind=kind))
        now = timestamp(self.scope.clock)
        job = Job(
            request["jobName"],
            {**request, "customizationType": kind},
            now,
            Progress(CUSTOMIZING, self.scope.clock),
        )
        job_id = self.jobs.new_id()
        job_arn = self.scope.arn("model-customization-job", f"{base.model_id}/{job_id}")
        self.jobs.add(job_id, job, job_arn)
        self.scope.tags.tag(job_arn, request.get("jobTags"))
        model = CustomModel(request["customModelName"], base, now, job=job, details=request)
        job.output_id = self._add_model(model, request.get("customModelTags"))
        return {"jobArn": job_arn}

    def _job_view(self, job_id: str, job: Job, summary: bool) -> dict[str, Any]:
        r = job.request
        base = self._base(r["baseModelIdentifier"])
        view: dict[str, Any] = {
            "jobArn": self.jobs.arn_of(job_id),
            "jobName": job.name,
            "baseModelArn": self._fm_arn(base),
            "status": job.progress.status,
            "creationTime": job.created,
            "lastModifiedTime": job.progress.ended_at() or job.created,
            "customizationType": r["customizationType"],
        }
        ended = job.progress.ended_at()
        if ended is not None:
            view["endTime"] = ended
        out_arn = self.models.arn_of(job.output_id) if job.output_id else None
        completed = job.progress.status == "Completed"
        if summary:
            view["customModelName"] = r["customModelName"]
            if completed:
                view["customModelArn"] = out_arn
            return view
        view.update(
            {
                "outputModelName": r["customModelName"],
                "roleArn": r["roleArn"],
                "hyperParameters": r.get("hyperParameters", {}),
                "trainingDataConfig": r["trainingDataConfig"],
                "outputDataConfig": r["outputDataConfig"],
            }
        )
        if completed:
            view["outputModelArn"] = out_arn
            view["trainingMetrics"] = {"trainingLoss": 0.1}
        for key in (
            "clientRequestToken",
            "validationDataConfig",
            "vpcConfig",
            "customizationConfig",
        ):
            if key in r:
                view[key] = r[key]
        return view

    def get_customization_job(self, identifier: str) -> dict[str, Any]:
        return self._job_view(*self.jobs.get(identifier), summary=False)

    def list_customization_jobs(self, f: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = [self._job_view(i, j, summary=True) for i, j in self.jobs.items()]
        views = narrowed("ListModelCustomizationJobs", f, views, self.scope.account_id)
        return page(views, f.get("maxResults"), f.get("nextToken"), "jobArn")

    def stop_customization_job(self, identifier: str) -> None:
        _, job = self.jobs.get(identifier)
        if job.progress.status != "InProgress":
            raise ValidationException(
                NOT_STOPPABLE.format(id=identifier, status=job.progress.status)
            )
        job.progress.hold("Stopped")

    # -- custom models -------------------------------------------------------------------

    def create_custom_model(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.models.find(request["modelName"]) is not None:
            raise ConflictException(
                NAME_TAKEN.format(what="custom model", name=request["modelName"])
            )
        # The base model of an S3-registered model is not known; the first catalog model
        # supporting fine-tuning in this region stands in (documented).
        base = next(
            (m for m in load_catalog().models_in(self.scope.region) if m.customizations_supported),
            None,
        ) or self._base("amazon.nova-lite-v1:0")
        model = CustomModel(
            request["modelName"],
            base,
            timestamp(self.scope.clock),
            progress=Progress(REGISTERING, self.scope.clock),
            details=request,
        )
        model_id = self._add_model(model, request.get("modelTags"))
        return {"modelArn": self.models.arn_of(model_id)}

    def _model_view(self, model_id: str, m: CustomModel, summary: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "modelArn": self.models.arn_of(model_id),
            "modelName": m.name,
            "creationTime": m.created,
            "baseModelArn": self._fm_arn(m.base),
            "modelStatus": m.status,
        }
        customization = m.job is not None and "customizationType" in m.job.request
        if customization:
            view["customizationType"] = m.job.request["customizationType"]  # type: ignore[union-attr]
        if summary:
            view["baseModelName"] = m.base.model_name
            view["ownerAccountId"] = self.scope.account_id
            return view
        if m.job is not None and customization:
            r = m.job.request
            job_id = next(i for i, j in self.jobs.items() if j is m.job)
            view.update(
                {
                    "jobName": m.job.name,
                    "jobArn": self.jobs.arn_of(job_id),
                    "hyperParameters": r.get("hyperParameters", {}),
                    "trainingDataConfig": r["trainingDataConfig"],
                    "outputDataConfig": r["outputDataConfig"],
                    "trainingMetrics": {"trainingLoss": 0.1},
                }
            )
        return view

    def get_custom_model(self, identifier: str) -> dict[str, Any]:
        return self._model_view(*self._model(identifier), summary=False)

    def list_custom_models(self, f: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = [self._model_view(i, m, summary=True) for i, m in self.models.items() if m.exists]
        views = narrowed("ListCustomModels", f, views, self.scope.account_id)
        return page(views, f.get("maxResults"), f.get("nextToken"), "modelArn")

    def delete_custom_model(self, identifier: str) -> None:
        model_id, _ = self._model(identifier)
        self.models.remove(model_id)

    # -- copy jobs -----------------------------------------------------------------------

    def create_copy_job(self, request: dict[str, Any]) -> dict[str, Any]:
        source_arn = request["sourceModelArn"]
        region = source_arn.split(":")[3] if source_arn.count(":") >= 5 else self.scope.region
        family = self if region == self.scope.region else self.elsewhere(region)
        found = family.find_model(source_arn) if family is not None else None
        if found is None or family is None:
            raise ResourceNotFoundException(MODEL_NOT_FOUND.format(id=source_arn))
        source = found[1]
        if self.models.find(request["targetModelName"]) is not None:
            raise ConflictException(
                NAME_TAKEN.format(what="custom model", name=request["targetModelName"])
            )
        now = timestamp(self.scope.clock)
        job = Job(
            request["targetModelName"], dict(request), now, Progress(COPYING, self.scope.clock)
        )
        job_id = self.copies.new_id()
        arn = self.copies.add(job_id, job)
        copy = CustomModel(
            request["targetModelName"],
            source.base,
            now,
            job=job,
            details=source.details,
            source_arn=source_arn,
        )
        job.output_id = self._add_model(copy, request.get("targetModelTags"))
        job.request["sourceModelName"] = source.name
        return {"jobArn": arn}

    def _copy_view(self, job_id: str, job: Job) -> dict[str, Any]:
        r = job.request
        view: dict[str, Any] = {
            "jobArn": self.copies.arn_of(job_id),
            "status": job.progress.status,
            "creationTime": job.created,
            "targetModelArn": self.models.arn_of(job.output_id or ""),
            "targetModelName": r["targetModelName"],
            "sourceAccountId": r["sourceModelArn"].split(":")[4] or self.scope.account_id,
            "sourceModelArn": r["sourceModelArn"],
            "sourceModelName": r["sourceModelName"],
        }
        if r.get("targetModelTags"):
            view["targetModelTags"] = r["targetModelTags"]
        return view

    def get_copy_job(self, identifier: str) -> dict[str, Any]:
        return self._copy_view(*self.copies.get(identifier))

    def list_copy_jobs(self, f: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = [self._copy_view(i, j) for i, j in self.copies.items()]
        views = narrowed("ListModelCopyJobs", f, views, self.scope.account_id)
        return page(views, f.get("maxResults"), f.get("nextToken"), "jobArn")

    # -- import jobs and imported models -------------------------------------------------

    def create_import_job(self, request: dict[str, Any]) -> dict[str, Any]:
        for store, name, what in (
            (self.imports, request["jobName"], "model import job"),
            (self.imported, request["importedModelName"], "imported model"),
        ):
            if store.find(name) is not None:
                raise ConflictException(NAME_TAKEN.format(what=what, name=name))
        now = timestamp(self.scope.clock)
        job = Job(request["jobName"], dict(request), now, Progress(IMPORTING, self.scope.clock))
        job_id = self.imports.new_id()
        arn = self.imports.add(job_id, job)
        self.scope.tags.tag(arn, request.get("jobTags"))
        uri = str(request.get("modelDataSource", {}).get("s3DataSource", {}).get("s3Uri", ""))
        text = f"{uri} {request['importedModelName']}".lower()
        architecture = next((a for a in ARCHITECTURES if a in text), "llama")
        model_id = self.imported.new_id()
        job.output_id = model_id
        model_arn = self.imported.add(
            model_id, ImportedModel(request["importedModelName"], job, architecture, now)
        )
        self.scope.tags.tag(model_arn, request.get("importedModelTags"))
        return {"jobArn": arn}

    def _import_view(self, job_id: str, job: Job, summary: bool) -> dict[str, Any]:
        r = job.request
        view: dict[str, Any] = {
            "jobArn": self.imports.arn_of(job_id),
            "jobName": job.name,
            "importedModelName": r["importedModelName"],
            "status": job.progress.status,
            "creationTime": job.created,
            "lastModifiedTime": job.progress.ended_at() or job.created,
        }
        ended = job.progress.ended_at()
        if ended is not None:
            view["endTime"] = ended
        if job.progress.status == "Completed":
            view["importedModelArn"] = self.imported.arn_of(job.output_id or "")
        if not summary:
            view["roleArn"] = r["roleArn"]
            view["modelDataSource"] = r["modelDataSource"]
        return view

    def get_import_job(self, identifier: str) -> dict[str, Any]:
        return self._import_view(*self.imports.get(identifier), summary=False)

    def list_import_jobs(self, f: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = [self._import_view(i, j, summary=True) for i, j in self.imports.items()]
        views = narrowed("ListModelImportJobs", f, views, self.scope.account_id)
        return page(views, f.get("maxResults"), f.get("nextToken"), "jobArn")

    def _imported(self, identifier: str) -> tuple[str, ImportedModel]:
        found = self.imported.find(identifier)
        if found is None or found[1].job.progress.status != "Completed":
            raise ResourceNotFoundException(IMPORTED_NOT_FOUND.format(id=identifier))
        return found

    def _imported_view(self, model_id: str, m: ImportedModel, summary: bool) -> dict[str, Any]:
        view: dict[str, Any] = {
            "modelArn": self.imported.arn_of(model_id),
            "modelName": m.name,
            "creationTime": m.created,
            "instructSupported": True,
            "modelArchitecture": m.architecture,
        }
        if not summary:
            job_id = next(i for i, j in self.imports.items() if j is m.job)
            view["jobName"] = m.job.name
            view["jobArn"] = self.imports.arn_of(job_id)
            view["modelDataSource"] = m.job.request["modelDataSource"]
            view["customModelUnits"] = {
                "customModelUnitsPerModelCopy": 1,
                "customModelUnitsVersion": "1.0",
            }
        return view

    def get_imported_model(self, identifier: str) -> dict[str, Any]:
        return self._imported_view(*self._imported(identifier), summary=False)

    def list_imported_models(self, f: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        views = [
            self._imported_view(i, m, summary=True)
            for i, m in self.imported.items()
            if m.job.progress.status == "Completed"
        ]
        views = narrowed("ListImportedModels", f, views, self.scope.account_id)
        return page(views, f.get("maxResults"), f.get("nextToken"), "modelArn")

    def delete_imported_model(self, identifier: str) -> None:
        model_id, _ = self._imported(identifier)
        self.imported.remove(model_id)

    # -- invocation ----------------------------------------------------------------------

    def resolve(self, identifier: str, prompt: str) -> Target | None:
        if ":imported-model/" not in identifier:
            return None
        _, model = self._imported(identifier)
        return Target(ARCHITECTURES[model.architecture], "imported-model")
