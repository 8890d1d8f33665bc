"""The optional blob read: its setting, its summary line, its description (never the content)."""

from __future__ import annotations

import pytest
from azureml_obo_harness import values

from obo_job.blob import BlobRead
from obo_job.run import RunSummary
from obo_job.settings import SettingsError, check_blob_url, load_settings

ENVIRON = {
    "AZURE_SUBSCRIPTION_ID": values.SUBSCRIPTION_ID,
    "AZURE_RESOURCE_GROUP": values.RESOURCE_GROUP,
    "AZUREML_WORKSPACE_NAME": values.WORKSPACE_NAME,
    "OBO_JOB_VAULT_URL": values.VAULT_URL,
    "OBO_JOB_SECRET_NAME": values.SECRET_NAME,
    "AZUREML_RUN_ID": values.PARENT_RUN_ID,
}


def test_the_blob_url_is_optional() -> None:
    assert load_settings(environ=ENVIRON).blob_url is None


def test_the_blob_url_comes_from_obo_job_blob_url() -> None:
    settings = load_settings(environ={**ENVIRON, "OBO_JOB_BLOB_URL": values.BLOB_URL})
    assert settings.blob_url == values.BLOB_URL


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://a.blob.core.windows.net/c/b", "https://"),
        ("https://a.example.com/c/b", ".blob.core.windows.net"),
        ("https://a.blob.core.windows.net/c", "a container and a blob"),
        ("https://a.blob.core.windows.net/c/b?sv=2021&sig=abc", "no SAS"),
    ],
)
def test_a_url_that_is_not_a_plain_blob_url_is_refused(url: str, reason: str) -> None:
    assert reason in (check_blob_url(url) or "")


def test_an_invalid_blob_url_is_one_of_the_reported_problems() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={**ENVIRON, "OBO_JOB_BLOB_URL": "https://a.blob.core.windows.net/c"})
    [problem] = raised.value.problems
    assert problem.startswith("invalid blob URL 'https://a.blob.core.windows.net/c'")


def test_a_blob_in_another_cloud_is_accepted() -> None:
    assert check_blob_url("https://a.blob.core.chinacloudapi.cn/data/in.csv") is None


def test_the_description_names_the_blob_and_never_holds_the_content() -> None:
    read = BlobRead(container="data", name="in.csv", size=77, sha256="1218bcd8" + "0" * 56)
    assert read.describe() == "data/in.csv (77 bytes, sha256 1218bcd8...)"


def test_the_blob_line_comes_after_the_four_lines_of_the_summary() -> None:
    summary = RunSummary("s (version 1, sha256 x...)", "c", "Starting", True, "https://s", blob="b")
    assert summary.lines()[4] == "blob:        b"
    assert len(RunSummary("s", "c", None, True, None).lines()) == 4


def test_live_a_downloaded_blob_becomes_the_fake_blob_with_matching_headers() -> None:
    from azureml_obo_harness.recording.sanitize import Sanitizer

    real = b"name,salary\nJane Roe,123456\n"
    interaction = {
        "request": {"method": "GET", "uri": "https://realacct.blob.core.windows.net/hr/pay.csv"},
        "response": {
            "status": {"code": 206, "message": "Partial Content"},
            "headers": {
                "Content-Type": ["text/csv"],
                "Content-Length": [str(len(real))],
                "Content-Range": [f"bytes 0-{len(real) - 1}/{len(real)}"],
                "x-ms-content-crc64": ["AAAAAAAAAAA="],
            },
            "body": {"string": real.decode()},
        },
    }
    response = Sanitizer(blob_content=values.BLOB_CONTENT).interaction(interaction)["response"]
    size = len(values.BLOB_CONTENT)
    assert response["body"]["string"] == values.BLOB_CONTENT.decode()
    assert response["headers"]["Content-Length"] == [str(size)]
    assert response["headers"]["Content-Range"] == [f"bytes 0-{size - 1}/{size}"]
    assert "x-ms-content-crc64" not in response["headers"]
    assert "realacct" not in interaction["request"]["uri"]
