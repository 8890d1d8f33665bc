"""``python -m obo_job``: the command AzureML runs inside the user-identity job."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from obo_job import settings as s
from obo_job.failures import ExitStatus, explain

logger = logging.getLogger("obo_job")

EPILOG = """\
Each option falls back to the environment variables named in its help; inside an AzureML job the
workspace and parent run come from variables AzureML sets. Exit statuses: 0 success,
1 unexpected error, 2 configuration, 3 authentication, 4 access denied, 5 not found, 6 service error.
"""


def _option(parser: argparse.ArgumentParser, setting: s.Setting, help_text: str) -> None:
    assert setting.option is not None
    env = ", then ".join(f"${var}" for var in setting.env_vars)
    parser.add_argument(
        setting.option,
        metavar=setting.option[2:].upper().replace("-", "_"),
        help=f"{help_text} (default: {env})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line: every option documented in ``--help``."""
    parser = argparse.ArgumentParser(
        prog="python -m obo_job",
        description="Read a Key Vault secret and submit a child training job, both on behalf of "
        "the user who submitted this AzureML job.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _option(parser, s.SUBSCRIPTION, "Azure subscription id of the workspace")
    _option(parser, s.RESOURCE_GROUP, "resource group of the workspace")
    _option(parser, s.WORKSPACE, "AzureML workspace name")
    _option(parser, s.VAULT_URL, "Key Vault URL, https://<name>.vault.azure.net")
    _option(parser, s.SECRET_NAME, "name of the secret to read")
    _option(parser, s.PARENT_RUN, "this run's id; the child job's name is derived from it")
    _option(
        parser,
        s.BLOB_URL,
        "optional: a blob of the user's to read, https://<account>.blob.core.windows.net/<c>/<b> "
        "(no SAS: it is read with the user's token)",
    )
    parser.add_argument(
        s.COMPUTE.option or "",
        metavar="COMPUTE",
        help=f"compute for the child job (default: $OBO_JOB_COMPUTE, else {s.DEFAULT_COMPUTE})",
    )
    parser.add_argument(
        s.EXPERIMENT.option or "",
        metavar="NAME",
        help="experiment of the child job (default: $OBO_JOB_EXPERIMENT_NAME, "
        f"else {s.DEFAULT_EXPERIMENT_NAME})",
    )
    parser.add_argument(
        s.CHILD_ENVIRONMENT.option or "",
        metavar="NAME:VERSION",
        help="curated or registered environment of the child job (default: "
        f"$OBO_JOB_CHILD_ENVIRONMENT, else {s.DEFAULT_CHILD_ENVIRONMENT})",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the child job that would be submitted, as YAML, and exit "
        "without calling Azure (needs only the parent run id)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="log debug detail and show the traceback of a failure",
    )
    return parser


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    # The Azure SDKs log request and response headers at INFO; keep them out of the job's log.
    logging.getLogger("azure").setLevel(logging.WARNING)


def _quiet_azure_ml(verbose: bool) -> None:
    # azure-ai-ml gives its logger its own stderr handler at INFO when it is imported (token
    # successes, telemetry), and announces the experimental classes of its own schemas: neither
    # tells the job's user anything. --verbose lets them through.
    logging.getLogger("azure.ai.ml").setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("azure.ai.ml._utils._experimental").setLevel(
        logging.WARNING if verbose else logging.ERROR
    )


def _fail(error: BaseException, *, step: str, verbose: bool) -> int:
    failure = explain(error, step=step)
    if verbose:
        logger.exception("traceback of the failure", exc_info=error)
    print(f"obo_job: error: {failure.message}", file=sys.stderr)
    return int(failure.status)


@contextmanager
def _logging_restored() -> Iterator[None]:
    """Put the loggers :func:`main` configures back as they were: ``main()`` may run in-process
    (tests, notebooks), where its handler, bound to the stderr of the moment, must not outlive it."""
    names = ("obo_job", "azure", "azure.ai.ml", "azure.ai.ml._utils._experimental")
    saved = {
        name: (lg.handlers[:], lg.level, lg.propagate)
        for name, lg in ((name, logging.getLogger(name)) for name in names)
    }
    try:
        yield
    finally:
        for name, (handlers, level, propagate) in saved.items():
            restored = logging.getLogger(name)
            restored.handlers[:] = handlers
            restored.setLevel(level)
            restored.propagate = propagate


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the OBO job; returns the exit status (see ``obo_job.failures``)."""
    args = build_parser().parse_args(argv)
    with _logging_restored():
        return _run(args, os.environ if environ is None else environ)


def _run(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    _configure_logging(args.verbose)
    common = {
        "parent_run_id": args.parent_run_id,
        "compute": args.compute,
        "experiment_name": args.experiment_name,
        "environment": args.child_environment,
    }
    try:
        if args.dry_run:
            child_settings = s.load_child_settings(environ=env, **common)
        else:
            settings = s.load_settings(
                environ=env,
                subscription_id=args.subscription_id,
                resource_group=args.resource_group,
                workspace_name=args.workspace_name,
                vault_url=args.vault_url,
                secret_name=args.secret_name,
                blob_url=args.blob_url,
                **common,
            )
    except s.SettingsError as error:
        return _fail(error, step="reading the settings", verbose=args.verbose)

    from obo_job.child_job import build_child_job, child_job_yaml

    _quiet_azure_ml(args.verbose)  # after the import above: importing azure.ai.ml resets it

    if args.dry_run:
        print(child_job_yaml(build_child_job(child_settings)), end="")
        return int(ExitStatus.SUCCESS)

    from obo_job.credentials import default_credential
    from obo_job.run import StepFailed, run_obo_job

    try:
        summary = run_obo_job(default_credential(env), settings)
    except StepFailed as failed:
        return _fail(failed.cause, step=failed.step, verbose=args.verbose)
    for line in summary.lines():
        print(line)
    return int(ExitStatus.SUCCESS)
