"""PAdES signature of the confirmation PDF (pyHanko).

In production the office's key and certificate are configured
(``INTAKE_SIGNING_KEY``, ``INTAKE_SIGNING_CERT``, optional ``INTAKE_SIGNING_CHAIN`` and
``INTAKE_SIGNING_KEY_PASSPHRASE``; docs/CONFIRMATION.md). The embedded default creates
a key and a self-signed certificate on first run under ``var/signing/`` (mode 0600), so
every PDF is signed and any later edit of its bytes breaks the signature. A self-signed
certificate proves integrity, not the office's identity: that is what the office's
certificate and the verification page are for.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash

FIELD_NAME = "LEA-Eingangsbestaetigung"
# Room for the CMS container: reserving it skips pyHanko's trial signature (half the cost).
# Enough for a signature with a certificate chain of a few certificates.
SIGNATURE_BYTES = 16 * 1024
DEFAULT_SUBJECT = "LEA intake assistant (self-signed, embedded default)"


@dataclass(frozen=True)
class SigningConfig:
    key_path: Path
    cert_path: Path
    chain_paths: tuple[Path, ...] = ()
    passphrase: bytes | None = None
    create_if_missing: bool = True  # only for the embedded default


def config_from_settings(settings) -> SigningConfig:
    """The office's key when configured, else the generated default under var/signing/."""
    if settings.signing_key and settings.signing_cert:
        chain = tuple(Path(p) for p in settings.signing_chain.split(",") if p.strip())
        return SigningConfig(Path(settings.signing_key), Path(settings.signing_cert), chain,
                             settings.signing_key_passphrase.encode() or None, create_if_missing=False)
    base = Path(settings.var_dir) / "signing"
    return SigningConfig(base / "confirmation-key.pem", base / "confirmation-cert.pem")


def ensure_default_key(config: SigningConfig) -> None:
    """Create the embedded default key and self-signed certificate once (0600, 0700 dir)."""
    if config.key_path.exists() and config.cert_path.exists():
        return
    if not config.create_if_missing:
        raise FileNotFoundError("the configured signing key or certificate does not exist")
    config.key_path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(config.key_path.parent, 0o700)
    # ECDSA P-256: small and fast to sign with (an RSA key's load-time consistency check
    # cost ~140 ms per load on these machines; _ParsedKeySigner now loads it once).
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEFAULT_SUBJECT),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Landesamt für Einwanderung (test key)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_private(config.key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    _write_private(config.cert_path, cert.public_bytes(serialization.Encoding.PEM))


def _write_private(path: Path, data: bytes) -> None:
    """Write with mode 0600 from the start (no window with wider permissions)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner with its private key parsed once, not for every signature.

    SimpleSigner.sign_raw re-parses the key from DER for each signature; for an RSA key
    (what an office certificate usually has) OpenSSL's consistency check on loading costs
    ~140 ms, several times the rest of the signature. The parsed key object is immutable
    and OpenSSL signs with it from several threads. RSA PKCS#1 v1.5 and ECDSA use it;
    any other mechanism (PSS, EdDSA) goes the library's own way.
    """

    def __init__(self, loaded: signers.SimpleSigner) -> None:
        super().__init__(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry)
        self.parsed_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        signature_mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            mechanism = signature_mechanism.signature_algo  # "ecdsa" also for "sha256_ecdsa"
        except ValueError:
            mechanism = signature_mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.parsed_key, rsa.RSAPrivateKey):
            return self.parsed_key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self.parsed_key, ec.EllipticCurvePrivateKey):
            return self.parsed_key.sign(data, ec.ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


class ConfirmationSigner:
    """Signs confirmation PDFs with one loaded key (load once per process: loading costs)."""

    def __init__(self, config: SigningConfig) -> None:
        ensure_default_key(config)
        loaded = signers.SimpleSigner.load(
            str(config.key_path), str(config.cert_path),
            ca_chain_files=tuple(str(p) for p in config.chain_paths) or None,
            key_passphrase=config.passphrase,
        )
        if loaded is None:
            raise ValueError("the signing key or certificate could not be loaded")
        self._signer = _ParsedKeySigner(loaded)

    def sign(self, pdf: bytes) -> bytes:
        """The PDF with a PAdES signature (an incremental update over the original bytes)."""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
            reason="Eingangsbestätigung / Confirmation of receipt", location="Berlin",
        )
        out = signers.PdfSigner(meta, signer=self._signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), bytes_reserved=SIGNATURE_BYTES)
        return out.getvalue()
