"""``fake-azure run-job``: a job YAML run on this machine as AzureML would run it.

In-process (``jobrun.cli.main`` with an explicit environment and folder); the job's command is a
real subprocess, a small script in the job's code folder that writes what it got (arguments,
environment, files) into its output folder; a script that imports the Azure SDKs runs in this
process instead (``tests.in_process.job_commands_run_in_process``). The installed ``fake-azure``
console script runs as a real process in ``tests/cloud/test_cli.py``: ``run-job`` reads the job
file with azure-ai-ml, so a process of it would pay the SDK's import floor for no more proof.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import azure.ai.ml._utils._experimental
import pytest
import requests
import yaml
from azureml_obo_harness import values
from azureml_obo_harness.jobrun.cli import main

from tests.in_process import job_commands_run_in_process
from tests.stand_in_credential import StandInUserCredential

DUMP_SCRIPT = """\
import json, os, sys
from pathlib import Path
out = Path(os.environ["AZURE_ML_OUTPUT_result"])
files = sorted(str(p.relative_to(".")) for p in Path(".").rglob("*") if p.is_file())
(out / "run.json").write_text(json.dumps(
    {"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd(), "files": files}))
sys.exit(int(os.environ.get("EXIT_STATUS", "0")))
"""


@pytest.fixture
def allowed_hosts() -> list[str]:
    """Overrides pytest-recording's fixture: loopback only (the bridge, the fake Azure)."""
    return [r"^127\.0\.0\.1$"]


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    """The caller's environment: only what a shell needs, plus one variable AzureML owns."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "AZUREML_RUN_ID": "stale"}


def write_job(folder: Path, **fields: Any) -> Path:
    """A job YAML in ``folder`` whose code folder ``src/`` holds the dump script."""
    code = folder / "src"
    code.mkdir(exist_ok=True)
    (code / "dump.py").write_text(DUMP_SCRIPT)
    job: dict[str, Any] = {
        "type": "command",
        "code": "./src",
        "command": "python dump.py",
        "outputs": {"result": {"type": "uri_folder"}},
        "environment": "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu:33",
        "compute": "azureml:cpu-cluster",
        "identity": {"type": "user_identity"},
    }
    job.update(fields)
    path = folder / "job.yaml"
    path.write_text(yaml.safe_dump(job))
    return path


def run_record(output_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((output_dir / "result" / "run.json").read_text())
    return data


def run(tmp_path: Path, environ: dict[str, str], *argv: str, **kwargs: Any) -> tuple[int, Path]:
    output_dir = tmp_path / "outputs"
    status = main(
        ["job.yaml", "--output-dir", str(output_dir), *argv],
        environ=environ,
        cwd=tmp_path,
        **kwargs,
    )
    return status, output_dir


# -- the command, its inputs and outputs -----------------------------------------------------


def test_inputs_and_outputs_are_resolved_in_the_command(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    (tmp_path / "data.csv").write_text("a,b\n")
    write_job(
        tmp_path,
        command="python dump.py ${{inputs.rate}} ${{inputs.local}} ${{inputs.remote}} "
        "${{outputs.result}}",
        inputs={
            "rate": 0.5,
            "local": {"type": "uri_file", "path": "./data.csv"},
            "remote": {"type": "uri_file", "path": "https://example.blob.core.windows.net/c/x.csv"},
        },
    )

    status, output_dir = run(tmp_path, environ)

    assert status == 0
    assert run_record(output_dir)["argv"] == [
        "0.5",
        str(tmp_path / "data.csv"),
        "https://example.blob.core.windows.net/c/x.csv",
        str(output_dir / "result"),
    ]


def test_set_gives_an_input_and_a_variable_another_value(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    write_job(
        tmp_path,
        command="python dump.py ${{inputs.secret_name}}",
        inputs={"secret_name": "my-secret"},
        environment_variables={"OBO_JOB_VAULT_URL": "https://my-vault.vault.azure.net"},
    )

    status, output_dir = run(
        tmp_path,
        environ,
        "--set",
        "inputs.secret_name=fake-secret",
        "--set",
        f"environment_variables.OBO_JOB_VAULT_URL={values.VAULT_URL}",
    )

    record = run_record(output_dir)
    assert status == 0
    assert record["argv"] == ["fake-secret"]
    assert record["env"]["OBO_JOB_VAULT_URL"] == values.VAULT_URL


@pytest.mark.parametrize("declared", [None, {"value": None}])
def test_set_gives_a_literal_the_file_leaves_null(
    declared: Any, tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # As az ml job create --set: the override is applied before the file is validated.
    write_job(
        tmp_path, command="python dump.py ${{inputs.threshold}}", inputs={"threshold": declared}
    )

    refused, _ = run(tmp_path, environ)
    assert refused == 2
    assert "job file: inputs.threshold.value" in capsys.readouterr().err  # the SDK names it

    status, output_dir = run(tmp_path, environ, "--set", "inputs.threshold=0.5")
    assert status == 0
    assert run_record(output_dir)["argv"] == ["0.5"]


def test_set_may_name_an_inputs_path_or_value_as_az_ml_does(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    (tmp_path / "other.csv").write_text("a,b\n")
    write_job(
        tmp_path,
        command="python dump.py ${{inputs.data}} ${{inputs.threshold}}",
        inputs={"data": {"type": "uri_file", "path": "./data.csv"}, "threshold": {"value": None}},
    )

    status, output_dir = run(
        tmp_path,
        environ,
        "--set",
        "inputs.data.path=other.csv",
        "--set",
        "inputs.threshold.value=0.5",
    )

    assert status == 0
    assert run_record(output_dir)["argv"] == [str(tmp_path / "other.csv"), "0.5"]


def test_set_of_another_field_of_an_input_is_refused(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path, inputs={"data": {"type": "uri_file", "path": "./data.csv"}})

    status, _ = run(tmp_path, environ, "--set", "inputs.data.type=uri_folder")

    assert status == 2
    assert capsys.readouterr().err.splitlines() == [
        "fake-azure run-job: --set 'inputs.data.type=uri_folder': an input is set as "
        "inputs.NAME=VALUE, inputs.NAME.value=VALUE or inputs.NAME.path=PATH"
    ]


def test_the_commands_exit_status_is_passed_through(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    write_job(tmp_path, environment_variables={"EXIT_STATUS": "7"})

    status, _ = run(tmp_path, environ)

    assert status == 7


def test_without_output_dir_the_outputs_go_to_a_fresh_folder_that_is_printed(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path)

    status = main(["job.yaml"], environ=environ, cwd=tmp_path)

    printed = [line for line in capsys.readouterr().err.splitlines() if "output result:" in line]
    assert status == 0
    assert len(printed) == 1
    assert (Path(printed[0].split("output result: ")[1]) / "run.json").is_file()


# -- what stops the job before it runs -------------------------------------------------------


def test_an_input_without_a_value_is_named_and_nothing_runs(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path, inputs={"data": {"type": "uri_file"}})

    status, output_dir = run(tmp_path, environ)

    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert errors == [
        "fake-azure run-job: input data has no value: give it in job.yaml or with "
        "--set inputs.data=VALUE"
    ]
    assert not output_dir.exists()


def test_a_command_using_an_undeclared_input_is_named(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path, command="python dump.py ${{inputs.missing}}")

    status, _ = run(tmp_path, environ)

    assert status == 2
    assert "${{inputs.missing}}" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["inputs.nope", "environment_variables.NOPE"])
def test_a_set_for_a_name_the_job_does_not_declare_is_refused(
    name: str, tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path, inputs={"rate": 1}, environment_variables={"A": "1"})

    status, output_dir = run(tmp_path, environ, "--set", f"{name}=1")

    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert len(errors) == 1
    assert f"--set {name}" in errors[0]
    assert not output_dir.exists()


def test_a_missing_pip_package_of_the_conda_file_is_named_before_the_run(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "conda.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "env",
                "dependencies": [
                    "python=3.11",
                    "pip",
                    {"pip": ["pytest>=1", "no-such-package-for-run-job>=1.0", "pytest>=999"]},
                ],
            }
        )
    )
    write_job(tmp_path, environment={"image": "python:3.11", "conda_file": "conda.yaml"})

    status, output_dir = run(tmp_path, environ)

    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert len(errors) == 1
    assert "no-such-package-for-run-job>=1.0 (not installed)" in errors[0]
    assert "pytest>=999 (" in errors[0]
    assert "pytest>=1 " not in errors[0]
    assert not output_dir.exists()


def test_an_invalid_job_file_is_one_line_per_problem(
    tmp_path: Path,
    environ: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_job(tmp_path, compute=["not", "a", "string"])
    # As in a new process: azure-ai-ml logs its "experimental class" notices once per process (an
    # earlier test may have had them logged), and its own handler writes to the stderr of the
    # moment the SDK was imported: it is pointed at this test's captured stderr.
    monkeypatch.setattr(azure.ai.ml._utils._experimental, "_warning_cache", set())
    [sdk_handler] = [
        h for h in logging.getLogger("azure.ai.ml").handlers if type(h) is logging.StreamHandler
    ]
    monkeypatch.setattr(sdk_handler, "stream", sys.stderr)

    status, _ = run(tmp_path, environ)

    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert errors
    assert all(line.startswith("fake-azure run-job: ") for line in errors), errors
    assert any("compute" in line for line in errors)


# -- identity and the runtime environment ----------------------------------------------------


def test_a_job_without_user_identity_is_warned_about_and_still_runs_without_obo(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path, identity={"type": "managed"})

    status, output_dir = run(tmp_path, environ)

    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert status == 0
    assert len(warnings) == 1
    assert "identity managed" in warnings[0]
    assert "AzureMLOnBehalfOfCredential fails" in warnings[0]
    assert "OBO_ENDPOINT" not in run_record(output_dir)["env"]


def test_the_command_gets_the_runtime_environment_azureml_sets(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    write_job(
        tmp_path,
        experiment_name="my-experiment",
        inputs={"rate": 2},
        environment_variables={"MY_SETTING": "x"},
    )

    status, output_dir = run(tmp_path, environ, "--run-id", "run-42")

    env = run_record(output_dir)["env"]
    assert status == 0
    assert {name: env[name] for name in RUNTIME} == {
        "AZUREML_RUN_ID": "run-42",
        "MLFLOW_RUN_ID": "run-42",
        "AZUREML_ARM_SUBSCRIPTION": values.SUBSCRIPTION_ID,
        "AZUREML_ARM_RESOURCEGROUP": values.RESOURCE_GROUP,
        "AZUREML_ARM_WORKSPACE_NAME": values.WORKSPACE_NAME,
        "AZUREML_ARM_PROJECT_NAME": "my-experiment",
        "MLFLOW_EXPERIMENT_NAME": "my-experiment",
        "AZUREML_OBO_ENABLED": "True",
        "AZURE_ML_INPUT_rate": "2",
        "AZURE_ML_OUTPUT_result": str(output_dir / "result"),
        "MY_SETTING": "x",
    }
    assert env["OBO_ENDPOINT"].startswith("http://127.0.0.1:")
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert "OBO_JOB_VAULT_URL" not in env  # the job's vault comes from the job, not the fake


RUNTIME = (
    "AZUREML_RUN_ID",
    "MLFLOW_RUN_ID",
    "AZUREML_ARM_SUBSCRIPTION",
    "AZUREML_ARM_RESOURCEGROUP",
    "AZUREML_ARM_WORKSPACE_NAME",
    "AZUREML_ARM_PROJECT_NAME",
    "MLFLOW_EXPERIMENT_NAME",
    "AZUREML_OBO_ENABLED",
    "AZURE_ML_INPUT_rate",
    "AZURE_ML_OUTPUT_result",
    "MY_SETTING",
)


def test_each_run_gets_a_fresh_run_id(tmp_path: Path, environ: dict[str, str]) -> None:
    write_job(tmp_path)

    run_ids = []
    for _ in range(2):
        _, output_dir = run(tmp_path, environ)
        run_ids.append(run_record(output_dir)["env"]["AZUREML_RUN_ID"])

    assert run_ids[0] != run_ids[1]
    assert all(run_id.startswith("local_run_") for run_id in run_ids)


def test_the_command_runs_in_a_copy_of_the_code_without_what_amlignore_names(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    write_job(tmp_path)
    code = tmp_path / "src"
    (code / ".amlignore").write_text("cache/\n*.log\n")
    (code / "cache").mkdir()
    (code / "cache" / "big.bin").write_text("x")
    (code / "debug.log").write_text("x")
    (code / "pkg").mkdir()
    (code / "pkg" / "module.py").write_text("")

    status, output_dir = run(tmp_path, environ)

    record = run_record(output_dir)
    assert status == 0
    assert record["files"] == [".amlignore", "dump.py", "pkg/module.py"]
    assert Path(record["cwd"]) != code
    assert not Path(record["cwd"]).exists()  # the copy is gone after the run


def test_the_job_reads_the_fakes_secret_through_its_obo_credential(
    tmp_path: Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The script imports azure-ai-ml: it runs in this process (see tests/in_process.py).
    ran = job_commands_run_in_process(monkeypatch)
    program = (
        "import os, sys; from azure.ai.ml.identity import AzureMLOnBehalfOfCredential; "
        "from azure.keyvault.secrets import SecretClient; "
        "client = SecretClient(sys.argv[1], AzureMLOnBehalfOfCredential()); "
        "open(os.path.join(sys.argv[3], 'value'), 'w').write(client.get_secret(sys.argv[2]).value)"
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "read.py").write_text(program)
    write_job(
        tmp_path,
        command="python read.py ${{inputs.vault_url}} ${{inputs.secret_name}} ${{outputs.result}}",
        inputs={"vault_url": "https://my-vault.vault.azure.net", "secret_name": "my-secret"},
    )

    status, output_dir = run(
        tmp_path,
        environ,
        "--set",
        f"inputs.vault_url={values.VAULT_URL}",
        "--set",
        f"inputs.secret_name={values.SECRET_NAME}",
    )

    assert status == 0
    assert [command.split()[:2] for command in ran] == [["python", "read.py"]]
    assert (output_dir / "result" / "value").read_text() == values.SECRET_VALUE


# -- live: as the signed-in user, through the bridge ----------------------------------------

LIVE = (
    "--azure=live",
    "--subscription-id",
    "real-sub",
    "--resource-group",
    "real-rg",
    "--workspace-name",
    "real-ws",
)
GET_TOKEN = """\
import hashlib, os, sys
from azure.ai.ml.identity import AzureMLOnBehalfOfCredential
token = AzureMLOnBehalfOfCredential().get_token("https://vault.azure.net/.default").token
out = os.environ["AZURE_ML_OUTPUT_result"]
open(os.path.join(out, "sha256"), "w").write(hashlib.sha256(token.encode()).hexdigest())
open(os.path.join(out, "endpoint"), "w").write(os.environ["OBO_ENDPOINT"])
print("got a token of", len(token), "characters")
"""
GET_TOKEN_BY_HTTP = GET_TOKEN.replace(
    "from azure.ai.ml.identity import AzureMLOnBehalfOfCredential\n"
    'token = AzureMLOnBehalfOfCredential().get_token("https://vault.azure.net/.default").token\n',
    "import json, urllib.request\n"
    'url = os.environ["OBO_ENDPOINT"] + "?resource=https://vault.azure.net"\n'
    'token = json.load(urllib.request.urlopen(url))["access_token"]\n',
)
"""The same job with the OBO protocol by hand (the real credential against the bridge is tested
above and in test_obo_bridge.py): a job process that starts in a fraction of the time."""


def write_live_job(tmp_path: Path, script: str = GET_TOKEN_BY_HTTP) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "get_token.py").write_text(script)
    write_job(tmp_path, command="python get_token.py")


def test_live_the_job_gets_the_signed_in_users_token_through_the_bridge(
    tmp_path: Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    # The script imports azure-ai-ml: it runs in this process (see tests/in_process.py).
    ran = job_commands_run_in_process(monkeypatch)
    write_live_job(tmp_path, GET_TOKEN)
    upstream = StandInUserCredential()

    status, output_dir = run(tmp_path, environ, *LIVE, upstream=upstream)

    assert status == 0
    assert ran == ["python get_token.py"]
    expected = hashlib.sha256(upstream.token.encode()).hexdigest()
    assert (output_dir / "result" / "sha256").read_text() == expected
    assert upstream.scopes == [("https://vault.azure.net/.default",)]


def test_live_the_workspace_comes_from_the_options(tmp_path: Path, environ: dict[str, str]) -> None:
    write_job(tmp_path)

    status, output_dir = run(tmp_path, environ, *LIVE, upstream=StandInUserCredential())

    env = run_record(output_dir)["env"]
    assert status == 0
    assert [
        env[f"AZUREML_ARM_{n}"] for n in ("SUBSCRIPTION", "RESOURCEGROUP", "WORKSPACE_NAME")
    ] == [
        "real-sub",
        "real-rg",
        "real-ws",
    ]
    assert "HTTPS_PROXY" not in env


def test_live_without_a_workspace_names_every_missing_setting(
    tmp_path: Path, environ: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    write_job(tmp_path)

    status, _ = run(tmp_path, environ, "--azure=live", upstream=StandInUserCredential())

    errors = capsys.readouterr().err.splitlines()
    assert status == 2
    assert len(errors) == 1
    for option in ("--subscription-id", "--resource-group", "--workspace-name"):
        assert option in errors[0]


def test_live_the_bridge_stops_when_the_job_ends(tmp_path: Path, environ: dict[str, str]) -> None:
    write_live_job(tmp_path)

    status, output_dir = run(tmp_path, environ, *LIVE, upstream=StandInUserCredential())

    endpoint = (output_dir / "result" / "endpoint").read_text()
    assert status == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{endpoint}?resource=https://vault.azure.net", timeout=5)


def test_live_no_output_or_log_record_holds_the_token(
    tmp_path: Path,
    environ: dict[str, str],
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        monkeypatch.setattr(logging.getLogger(name), "level", logging.DEBUG)
    write_live_job(tmp_path)
    upstream = StandInUserCredential()

    status, output_dir = run(tmp_path, environ, *LIVE, upstream=upstream)

    captured = capfd.readouterr()
    written = [p.read_text() for p in output_dir.rglob("*") if p.is_file()]
    everything = "\n".join([captured.out, captured.err, *written, caplog.text])
    assert status == 0
    assert "got a token of" in captured.out  # the job's own output was captured
    assert upstream.token not in everything
