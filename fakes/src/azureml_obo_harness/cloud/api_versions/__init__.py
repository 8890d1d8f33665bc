"""The api-versions each fake service accepts, as the real services accept them: one module per
service (``keyvault``, ``ml``, ``blob``), each with its ``ACCEPTED`` versions (GA and preview, as
the REST specs publish them) and the ``SOURCE`` they were read from (repository, paths, commit).

One place, so a test can check that the installed SDKs' default versions are all accepted, and an
SDK upgrade that brings a version the list lacks fails there, by name, instead of in a 400.
"""
