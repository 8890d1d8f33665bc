"""``FakeAzure``: every fake service behind one loopback proxy, started and stopped as a unit.

::

    with FakeAzure() as azure:
        os.environ.update(azure.environ())   # or monkeypatch.setenv / a subprocess env
        ...                                  # the real SDKs now talk to the fake
        assert [job.name for job in azure.jobs] == ["my-child-job"]

The state lives in plain backends (``azure.keyvault``, ``azure.ml``, ``azure.blob``,
``azure.obo``) that tests may seed and inspect directly; the helpers below cover the usual cases.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import trustme

from azureml_obo_harness import values
from azureml_obo_harness.cloud.blob import Blob, BlobBackend, BlobService
from azureml_obo_harness.cloud.dispatch import Dispatcher, RecordedRequest
from azureml_obo_harness.cloud.faults import FaultPlan
from azureml_obo_harness.cloud.keyvault import KeyVaultBackend, KeyVaultService
from azureml_obo_harness.cloud.ml import CodeVersion, Job, MlBackend, MlService, Workspace
from azureml_obo_harness.cloud.ml.lifecycle import JobError, JobTimeline, MlClock, RunWarning
from azureml_obo_harness.cloud.obo import (
    OBO_PATH,
    SPARK_CANARY_TOKEN,
    SPARK_CLUSTER_IDENTIFIER,
    SPARK_TOKEN_SERVICE_HOST,
    OboService,
    OboTokenIssuer,
)
from azureml_obo_harness.cloud.proxy import FakeAzureServer
from azureml_obo_harness.cloud.service import FakeService
from azureml_obo_harness.values import DEFAULT_USER, FakeUser

TLS_HOSTNAMES = (
    "management.azure.com",
    "*.vault.azure.net",
    "*.blob.core.windows.net",
    "*.api.azureml.ms",  # AzureML's regional hosts: discovery, run history
    SPARK_TOKEN_SERVICE_HOST,
)
"""The certificate's subject alternative names: every host a fake service answers."""


class FakeAzure:
    """The fake Azure on ``127.0.0.1``: OBO endpoint, Key Vault, AzureML ARM and Blob.

    ``seed=True`` (the default) creates the default workspace of :mod:`azureml_obo_harness.values` with compute
    ``cpu-cluster``, vault ``fake-vault`` holding ``fake-secret`` and granting ``user`` get/list/set,
    and the user's blob ``values.BLOB_URL`` in the workspace's storage account, which ``user`` may
    read with a bearer token (Storage Blob Data Reader).
    ``extra_services`` adds services it does not fake (:class:`~azureml_obo_harness.cloud.custom.CustomService`,
    or any :class:`~azureml_obo_harness.cloud.service.FakeService`), served alongside the built-in ones.
    ``port=0`` picks a free port. Use it as a context manager or call :meth:`start`/:meth:`stop`;
    :meth:`environ` and :attr:`port` raise ``RuntimeError`` while it is not running.
    """

    def __init__(
        self,
        *,
        user: FakeUser = DEFAULT_USER,
        seed: bool = True,
        port: int = 0,
        extra_services: Iterable[FakeService] = (),
    ) -> None:
        self._initial_user = user
        self.seeded = seed
        self.extra_services = list(extra_services)
        taken = {service.name for service in (OboService, KeyVaultService, MlService, BlobService)}
        for service in self.extra_services:
            if service.name in taken:
                raise ValueError(
                    f"a fake service named {service.name!r} exists already; give yours another "
                    "name (operations are named '<service>/<operation>')"
                )
            taken.add(service.name)
        self._requested_port = port
        self._server: FakeAzureServer | None = None
        self._thread: threading.Thread | None = None
        self._tempdir: Path | None = None
        self._build_world()

    def _build_world(self) -> None:
        """Every piece of state, new: backends, services, dispatcher (request log), faults, the
        ML clock, the grants and (``seed``) the seeded world. Only the server (socket, CA, TLS
        contexts) and ``extra_services`` live outside it; :meth:`reset` calls it again."""
        user = self.user = self._initial_user
        self.blob = BlobBackend()
        self.ml = MlBackend(self.blob)
        self.keyvault = KeyVaultBackend()
        self.obo = OboTokenIssuer(user=user)
        services: list[FakeService] = [
            OboService(self.obo),
            KeyVaultService(self.keyvault),
            MlService(self.ml),
            BlobService(self.blob),
        ]
        services.extend(self.extra_services)
        self.faults = FaultPlan(lambda: self.routes)
        self._dispatcher = Dispatcher(services, self.faults)
        if self.seeded:
            self.workspace = self.ml.add_workspace(Workspace())
            self.add_vault(values.VAULT_NAME)
            self.set_secret(values.SECRET_NAME, values.SECRET_VALUE)
            self.grant(user.object_id, ["get", "list", "set"])
            self.add_blob(values.BLOB_CONTAINER, values.BLOB_NAME, values.BLOB_CONTENT)
            self.grant_storage(user.object_id, ["read"])
        else:
            self.workspace = Workspace()

    # -- lifecycle -------------------------------------------------------------------------------

    def reset(self) -> FakeAzure:
        """Put the fake back as a new ``FakeAzure(...)`` with the same arguments builds it, without
        a restart (moto's reset pattern): new backends (the seeded world, if ``seed``), no faults,
        an empty request log and OBO log, default grants, the ML clock at 0 with no auto-advance.

        A running fake keeps its port, CA and certificates (so :meth:`environ` is unchanged) and
        drops every open client connection, as a stop would: a client keeping a connection from
        before the reset reconnects. ``extra_services`` are kept as they are (their own state is
        theirs to reset). Returns the fake.
        """
        if self._server is not None:
            # first, so that a request of an earlier test still in flight ends in the old world
            self._server.drop_connections()
        self._build_world()
        if self._server is not None:
            self._server.dispatcher = self._dispatcher
            self._server.app = self._dispatcher  # werkzeug's WSGI app, unused by the handler
        return self

    def start(self) -> FakeAzure:
        """Generate the test CA, bind ``127.0.0.1`` and serve on a background thread."""
        if self._server is not None:
            raise RuntimeError("this FakeAzure is already running; stop() it before start()")
        self._tempdir = Path(tempfile.mkdtemp(prefix="fake-azure-"))
        try:
            authority = trustme.CA()
            authority.cert_pem.write_to_path(str(self._tempdir / "ca.pem"))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            hostnames = [*TLS_HOSTNAMES]
            hostnames += [h for s in self.extra_services for h in s.tls_hostnames]
            authority.issue_cert(*hostnames).configure_cert(context)
            self._server = FakeAzureServer(
                self._dispatcher, context, port=self._requested_port, authority=authority
            )
        except BaseException:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-azure-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection, join every thread, delete the CA's temp dir."""
        server, thread, tempdir = self._server, self._thread, self._tempdir
        self._server = self._thread = self._tempdir = None
        try:
            if server is not None:
                server.close()
            if thread is not None:
                thread.join(timeout=5)
        finally:
            if tempdir is not None:
                shutil.rmtree(tempdir, ignore_errors=True)

    def __enter__(self) -> FakeAzure:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # -- how to reach it -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port on ``127.0.0.1`` (proxy and OBO endpoint alike)."""
        return self._running_server().port

    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:<port>``: the value for ``HTTPS_PROXY``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def obo_endpoint(self) -> str:
        """The value for ``OBO_ENDPOINT``."""
        return f"{self.proxy_url}{OBO_PATH}"

    @property
    def ca_path(self) -> Path:
        """The test CA's certificate (PEM); give it to clients that take ``connection_verify``."""
        self._running_server()
        assert self._tempdir is not None
        return self._tempdir / "ca.pem"

    def environ(self, *, spark: bool = False) -> dict[str, str]:
        """The variables that point a process at this fake (set them before creating clients).

        ``spark=True`` adds the serverless Spark variant's variables
        (``AZUREML_DATAPREP_TOKEN_PROVIDER=sparkobo`` and the token service's).
        """
        workspace = self.workspace
        ca = str(self.ca_path)
        no_proxy = "127.0.0.1,localhost"
        env = {
            "HTTPS_PROXY": self.proxy_url,
            "https_proxy": self.proxy_url,
            "NO_PROXY": no_proxy,
            "no_proxy": no_proxy,
            "REQUESTS_CA_BUNDLE": ca,
            "SSL_CERT_FILE": ca,
            "OBO_ENDPOINT": self.obo_endpoint,
            "AZUREML_OBO_ENABLED": "True",
            "AZUREML_ARM_SUBSCRIPTION": workspace.subscription_id,
            "AZUREML_ARM_RESOURCEGROUP": workspace.resource_group,
            "AZUREML_ARM_WORKSPACE_NAME": workspace.name,
            "AZUREML_RUN_ID": values.PARENT_RUN_ID,
            "MLFLOW_RUN_ID": values.PARENT_RUN_ID,
            "OBO_JOB_VAULT_URL": values.VAULT_URL,
            "OBO_JOB_SECRET_NAME": values.SECRET_NAME,
        }
        if self.seeded:
            env["OBO_JOB_BLOB_URL"] = values.BLOB_URL
        if spark:
            env.update(
                {
                    "AZUREML_DATAPREP_TOKEN_PROVIDER": "sparkobo",
                    "AZUREML_SYNAPSE_CLUSTER_IDENTIFIER": SPARK_CLUSTER_IDENTIFIER,
                    "AZUREML_SYNAPSE_TOKEN_SERVICE_ENDPOINT": SPARK_TOKEN_SERVICE_HOST,
                    "AZUREML_OBO_CANARY_TOKEN": SPARK_CANARY_TOKEN,
                    "AZUREML_OBO_SERVICE_ENDPOINT": "https://eastus.api.azureml.ms",
                    "AZUREML_RUN_TOKEN_EXPIRY": "4102444800",
                    "AZUREML_ARM_PROJECT_NAME": "fake-experiment",
                    "OID": self.user.object_id,
                    "TID": self.user.tenant_id,
                }
            )
        return env

    # -- seeding ---------------------------------------------------------------------------------

    def add_vault(self, name: str) -> None:
        """Create vault ``name`` (``https://{name}.vault.azure.net`` then answers)."""
        self.keyvault.create_vault(name, tenant_id=self.user.tenant_id)

    def set_secret(self, name: str, value: str, *, vault: str = values.VAULT_NAME) -> str:
        """Add a version of secret ``name``; returns the new version id."""
        return self.keyvault.set_secret(vault, name, value).version

    def grant(
        self, object_id: str, permissions: Iterable[str], *, vault: str = values.VAULT_NAME
    ) -> None:
        """Set the secret permissions of a user on a vault (``get``, ``list``, ``set``, ``delete``,
        ``recover``, ``backup``, ``restore``, ``purge``, or ``all``); an empty list takes every
        permission away."""
        self.keyvault.grant(vault, object_id, permissions)

    def add_blob(
        self, container: str, name: str, data: bytes, *, content_type: str = "text/csv"
    ) -> str:
        """Store a blob in the default workspace's storage account; returns its URL."""
        account = self.workspace.storage_account
        self.blob.create_container(account, container)
        self.blob.put_blob(account, container, name, data, content_type=content_type)
        return f"https://{account}.blob.core.windows.net/{container}/{name}"

    def grant_storage(self, object_id: str, actions: Iterable[str]) -> None:
        """Set the blob data actions a user's bearer tokens may perform on the default
        workspace's storage account: Storage Blob Data Reader is ``["read"]`` (read and list blobs
        and containers), Contributor ``["read", "write", "delete"]`` (also create containers and
        blobs, set metadata, lease, copy; delete them). An empty list takes every action away; an
        unknown one raises ``ValueError``. SAS requests (the code upload) are not affected."""
        self.blob.grant_data_access(self.workspace.storage_account, object_id, actions)

    @property
    def storage_account_key(self) -> str:
        """The account key of the default workspace's storage account
        (:data:`~azureml_obo_harness.values.STORAGE_ACCOUNT_KEY`): what Shared Key requests are
        signed with (``BlobServiceClient(url, credential=azure.storage_account_key)``)."""
        return values.STORAGE_ACCOUNT_KEY

    @property
    def storage_connection_string(self) -> str:
        """The default workspace's storage account's connection string, with its account key
        (``BlobServiceClient.from_connection_string(azure.storage_connection_string)``)."""
        return (
            f"DefaultEndpointsProtocol=https;AccountName={self.workspace.storage_account};"
            f"AccountKey={self.storage_account_key};EndpointSuffix=core.windows.net"
        )

    def add_compute(self, name: str) -> None:
        """Make compute ``name`` known to the default workspace."""
        self.workspace.computes.add(name)

    # -- AzureML jobs that move (see azureml_obo_harness.cloud.ml.lifecycle) ---------------------

    @property
    def ml_clock(self) -> MlClock:
        """The clock jobs move on: ``azure.ml_clock.advance(seconds)``; it never moves by itself."""
        return self.ml.clock

    def advance_jobs(self) -> None:
        """Every job of the default workspace that has not ended reaches its outcome now."""
        self.ml.finish_jobs(self.workspace)

    def auto_advance_jobs(self, seconds: float | None = JobTimeline().starting) -> None:
        """Each poll of a job (its ARM GET or run details GET) first moves the clock by
        ``seconds``, so code that polls until a job ends terminates; ``None`` stops it."""
        self.ml.clock.poll_step = seconds

    def fail_job(
        self,
        name: str,
        *,
        code: str = JobError.code,
        message: str = JobError.message,
        component: str = JobError.component,
        warnings: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Make job ``name`` end ``Failed`` (before it is submitted, or while it runs), with run
        history's ``error`` of ``code``, ``message`` and ``component`` (its ``componentName``)
        and ``warnings`` as ``(source, message)`` pairs (a pipeline's steps fail with it too)."""
        error = JobError(
            code=code,
            message=message,
            component=component,
            warnings=tuple(RunWarning(source, text) for source, text in warnings),
        )
        self.ml.fail_job(self.workspace, name, error)

    def job_submissions(self, name: str) -> int:
        """How many PUTs of job ``name`` the fake received, accepted or refused (a request a
        fault answered before the service saw it is not counted; one whose answer was lost is)."""
        return self.ml.job_submissions(self.workspace, name)

    def add_job_output(self, job: str, path: str, data: bytes) -> str:
        """Store a file of job ``job``'s default artifacts (``ExperimentRun/dcid.<job>/<path>`` in
        the ``workspaceartifactstore`` container), where ``jobs.stream`` reads logs
        (``user_logs/std_log.txt``) and ``jobs.download`` fetches outputs; returns its URL."""
        account = self.workspace.storage_account
        container = self.workspace.artifact_container
        name = f"ExperimentRun/dcid.{job}/{path}"
        self.blob.put_blob(account, container, name, data, content_type="text/plain")
        return f"https://{account}.blob.core.windows.net/{container}/{name}"

    # -- inspection ------------------------------------------------------------------------------

    @property
    def routes(self) -> list[str]:
        """Every route name, as :attr:`faults` accepts them (``keyvault/get_secret``...)."""
        return self._dispatcher.operations

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request the fake answered, in order (``operation``, ``status``, ``path``...)."""
        return self._dispatcher.requests

    def clear_requests(self) -> None:
        """Forget :attr:`requests` (and the OBO log), e.g. between the phases of one test."""
        self._dispatcher.clear_requests()

    @property
    def jobs(self) -> list[Job]:
        """The jobs of the default workspace in submission order, pipelines' step runs too."""
        return list(self.workspace.jobs.values())

    @property
    def code_versions(self) -> list[CodeVersion]:
        """The code versions registered in the default workspace."""
        return self.workspace.code_versions()

    def uploaded_blobs(self) -> list[Blob]:
        """Every blob uploaded to the default workspace's storage account (the seeded user blob's
        container ``values.BLOB_CONTAINER`` left out)."""
        account = self.workspace.storage_account
        return [
            blob
            for container in list(self.blob.accounts.get(account, {}))
            if container != values.BLOB_CONTAINER
            for blob in self.blob.blobs(account, container)
        ]

    def _running_server(self) -> FakeAzureServer:
        if self._server is None:
            raise RuntimeError(
                "FakeAzure is not running: use `with FakeAzure() as azure:` or call start() first"
            )
        return self._server
