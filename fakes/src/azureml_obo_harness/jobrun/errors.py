"""The one error ``run-job`` stops with before the job's command runs."""

from __future__ import annotations


class RunJobError(ValueError):
    """A job that cannot be run as given: the message is one line naming the cause and the fix.

    (An invalid job file is :class:`azureml_obo_harness.job_files.JobFileInvalid`, one line per
    problem.)
    """
