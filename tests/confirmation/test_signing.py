"""The confirmation's signature with the key parsed once (bot/confirmation/signing.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import pdf_cms
from pyhanko.sign.validation import ValidationContext, validate_pdf_signature

from bot.confirmation.pdf import render_confirmation
from bot.confirmation.signing import ConfirmationSigner, SigningConfig
from tests.confirmation.helpers import make_data


def _office_rsa_key(folder) -> SigningConfig:
    """An RSA key and certificate as an office would configure them (INTAKE_SIGNING_KEY/CERT)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test office")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return SigningConfig(folder / "key.pem", folder / "cert.pem", create_if_missing=False)


def _default_key(folder) -> SigningConfig:
    return SigningConfig(folder / "signing" / "key.pem", folder / "signing" / "cert.pem")


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return render_confirmation(make_data())


@pytest.mark.parametrize("make_config", [_office_rsa_key, _default_key], ids=["office_rsa", "default_p256"])
def test_signatures_verify_and_the_key_is_parsed_once(make_config, unsigned, tmp_path, monkeypatch):
    config = make_config(tmp_path)
    signer = ConfirmationSigner(config)
    parses = []
    original = pdf_cms.serialization.load_der_private_key
    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key",
                        lambda *args, **kwargs: parses.append(1) or original(*args, **kwargs))
    signed = [signer.sign(unsigned) for _ in range(3)]
    assert parses == []  # pyHanko's own signer would parse the key for each of the three
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(config.cert_path))])
    for pdf in signed:
        status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], trust)
        assert status.intact and status.valid and status.trusted


def test_an_edited_byte_breaks_the_rsa_signature(unsigned, tmp_path):
    config = _office_rsa_key(tmp_path)
    pdf = ConfirmationSigner(config).sign(unsigned)
    at = pdf.index(b"Kowalczyk") if b"Kowalczyk" in pdf else len(unsigned) // 2
    edited = pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1:]
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(config.cert_path))])
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(edited)).embedded_signatures[0], trust)
    assert not status.intact
