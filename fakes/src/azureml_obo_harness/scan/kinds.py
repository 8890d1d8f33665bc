"""The kinds of leak the scan knows: a stable name each, what it is, and how to fix a finding.

The names are an interface: findings print them, ``cassette-scan --explain KIND`` explains them,
and allow-list entries name them. Rename one only with a release note.
"""

from __future__ import annotations

from dataclasses import dataclass

RERECORD = (
    "If the cassette was recorded by the harness, record it again "
    "(pytest --azure=fake --record-mode=rewrite TEST): the sanitizer scrubs this kind. "
    "If it was written or edited by hand or by another tool, "
)


@dataclass(frozen=True)
class Kind:
    """One kind of leak: its stable ``name``, what it ``is`` and how to ``fix`` a finding."""

    name: str
    title: str
    is_: str
    fix: str

    def explain(self) -> str:
        """The text of ``cassette-scan --explain NAME``."""
        return f"{self.name}: {self.title}\n\nWhat it is: {self.is_}\n\nHow to fix: {self.fix}"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "jwt",
            "a JSON Web Token that is not one of the fakes'",
            "Three base64url parts starting eyJ...: an access, id or refresh token issued by "
            "Entra ID. The fakes' tokens are unsigned and signed FAKE-SIGNATURE; any other one "
            "may still be valid and lets whoever reads the cassette act as the user.",
            RERECORD + "replace the token with one of azureml_obo_harness.tokens.mint_token's "
            "or with 'sanitized'. Revoke the real one if the file ever left your machine.",
        ),
        Kind(
            "bearer",
            "a bearer credential that is not the sanitized placeholder",
            "'Bearer <opaque value>' or 'PoP <value>' in a header or body: an access token "
            "that is not JWT-shaped (or is cut), still a credential.",
            RERECORD + "write 'Bearer sanitized'.",
        ),
        Kind(
            "sas-signature",
            "a shared access signature's sig= value",
            "The sig= parameter of a SAS URL or token signs the grant: with it anyone can use the "
            "URL until it expires.",
            RERECORD + "replace the value with sig=sanitized (the other SAS parameters too).",
        ),
        Kind(
            "account-key",
            "a storage account key",
            "A 64-byte base64 key (88 characters ending ==) or a connection string's "
            "AccountKey=: full control of a storage account.",
            RERECORD + "replace it with the fake key values.STORAGE_ACCOUNT_KEY (a replay can "
            "still sign with it); rotate the key if it was real.",
        ),
        Kind(
            "connection-string",
            "the secret part of a connection string",
            "SharedAccessKey=, SharedAccessSignature=, Password= or Pwd= inside a connection "
            "string (Service Bus, Event Hubs, SQL, Storage).",
            RERECORD + "replace the value after '=' with 'sanitized'.",
        ),
        Kind(
            "pem",
            "a PEM block",
            "-----BEGIN ...----- : a certificate or, worse, a private key.",
            RERECORD + "replace the block with '<private key sanitized>'.",
        ),
        Kind(
            "guid",
            "a GUID outside the fake set",
            "Tenant, subscription, user object and request ids are GUIDs; the fakes' all start "
            "00000000-0000-0000-0000-. Any other one may identify a real tenant or user.",
            RERECORD + "replace it with a fake GUID (00000000-0000-0000-0000-0000000001xx), the "
            "same fake for the same real GUID throughout the cassette.",
        ),
        Kind(
            "email",
            "an e-mail address outside the fake domains",
            "A user's address. Fake ones use domains reserved for tests: .invalid, .test, "
            ".example, .localhost, example.com/.net/.org.",
            RERECORD + "replace it with obo-user@fake.invalid (azureml_obo_harness.values).",
        ),
        Kind(
            "token-field",
            "a token under a token field's name",
            "A field, header, query or form parameter named access_token, refresh_token, "
            "id_token, token, sasToken, oboToken, assertion, client_assertion, Authorization... "
            "whose value is not a placeholder: an OAuth refresh token is opaque, not JWT-shaped, "
            "and lives for days.",
            RERECORD + "replace the value with 'sanitized'.",
        ),
        Kind(
            "credential-field",
            "a password, client secret or key under its field's name",
            "A field, header, query or form parameter named client_secret, password, secret, "
            "key, apiKey, accountKey, primaryKey, api-key, Ocp-Apim-Subscription-Key... whose "
            "value is not a placeholder (e.g. client_secret in a form-encoded token request), "
            "or Blob's user delegation key in XML (UserDelegationKey.Value: it signs SAS URLs as "
            "the user until it expires).",
            RERECORD + "replace the value with 'sanitized' (a user delegation key: with "
            "values.USER_DELEGATION_KEY, which a replay can still sign with); rotate the secret if "
            "it was real.",
        ),
        Kind(
            "secret-value",
            "a Key Vault secret's value that is not a fake one",
            "The 'value' of a secret bundle in a Key Vault /secrets/ or /deletedsecrets/ request "
            "or response: the secret itself.",
            RERECORD + "replace it with 'fake-secret-value' (azureml_obo_harness.values).",
        ),
        Kind(
            "user-name",
            "a user's name or id in a user field",
            "systemData.createdBy / lastModifiedBy, userName, upn, unique_name: the display "
            "name or sign-in name of whoever made the resource; userPuId, puid, altsecid: "
            "their account's unique id.",
            RERECORD + "replace it with 'Fake OBO User' (azureml_obo_harness.values).",
        ),
        Kind(
            "source-control",
            "a submitted job's git property that is not the fake",
            "mlflow.source.git.repoURL / branch / commit, azureml.git.build_id / build_uri: "
            "azure-ai-ml adds the submitter's checkout to every job. They name the team's "
            "repository and branch (often users/<alias>/...) and change with every commit.",
            RERECORD + "replace it with its fake in azureml_obo_harness.values.SOURCE_CONTROL.",
        ),
        Kind(
            "ip-address",
            "a client IP address outside loopback and the documentation ranges",
            "The caller's address in x-ms-keyvault-network-info (addr=...), X-Forwarded-For and "
            "similar headers, or clientIpAddress-like fields: where the recording was made.",
            RERECORD + "replace it with 192.0.2.1 (or 2001:db8::1), reserved for documentation.",
        ),
        Kind(
            "real-value",
            "a value this recording run saw for real",
            "Only while recording: the sanitizer replaced this exact value (a token, the "
            "secret's value, a subscription id...) but it is still in the text, put back by a "
            "rule or in a place no rule reaches.",
            "Find where the value sits and add a sanitizing rule for it (override the "
            "extra_sanitizing_rules fixture); an allow-list cannot excuse a real value.",
        ),
        Kind(
            "missing",
            "a path to scan that does not exist",
            "A file or folder named on the command line is not there: nothing was scanned.",
            "Name an existing file or folder (the scan fails closed on a typo).",
        ),
        Kind(
            "binary",
            "a file that is not UTF-8 text",
            "The scan reads text; a binary or otherwise encoded file cannot be checked.",
            "Keep cassettes as UTF-8 YAML or JSON; move other files out of the scanned folder.",
        ),
        Kind(
            "allow-list",
            "an allow-list entry that does not parse",
            "Each entry is 'KIND VALUE  # why' (or 're:PATTERN' for VALUE); the comment is "
            "required, the kind must be known.",
            "Fix the line the finding names (see README, 'The allow-list').",
        ),
    )
}
"""Every kind, by name."""
