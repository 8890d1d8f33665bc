"""The AzureML on-behalf-of job: read a Key Vault secret and submit a child job as the submitting user.

Every function that calls Azure takes a credential (or a client built from one); only the CLI,
``python -m obo_job``, builds the production credential (:func:`obo_job.credentials.default_credential`).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
