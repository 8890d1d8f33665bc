"""Fidelity evidence: real recordings of the real services, replayed against the fake Azure.

``recordings/`` holds public Azure SDK recordings, test-proxy and one nock (provenance in
``recordings/SOURCES.md``),
sanitized by the project's own sanitizer; ``python -m tests.fidelity`` replays them and prints the
figure (interactions that agree / all interactions), per service.
"""
