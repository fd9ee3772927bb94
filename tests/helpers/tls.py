"""Certificates made in the test (with ``cryptography``): a test CA and server certificates.

Nothing here turns verification off: a client trusts the test CA only when told to
(``SSL_CERT_FILE`` pointing at :attr:`TestCA.ca_pem`).
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None) -> Path:
    data = cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    path.write_bytes(data)
    return path


def _leaf_builder(
    subject: str, names: list[str], issuer: x509.Name, public_key
) -> x509.CertificateBuilder:  # noqa: ANN001
    now = datetime.now(UTC)
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


@dataclass
class TestCA:
    """A certificate authority that exists only in this test's directory."""

    directory: Path
    ca_pem: Path
    _key: ec.EllipticCurvePrivateKey
    _cert: x509.Certificate

    __test__ = False  # not a pytest test class

    @classmethod
    def create(cls, directory: Path) -> TestCA:
        key = _key()
        now = datetime.now(UTC)
        public = key.public_key()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("leadwatch test CA"))
            .issuer_name(_name("leadwatch test CA"))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(directory, _write(directory / "test-ca.pem", cert, None), key, cert)

    def server_pem(self, *names: str) -> Path:
        """A certificate (with its key, one PEM file) this CA issued for ``names``."""
        key = _key()
        cert = (
            _leaf_builder(names[0], list(names), self._cert.subject, key.public_key())
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()),
                critical=False,
            )
            .sign(self._key, hashes.SHA256())
        )
        return _write(self.directory / f"server-{names[0]}.pem", cert, key)


def self_signed_pem(directory: Path, *names: str) -> Path:
    """A server certificate that signed itself (no CA vouches for it)."""
    key = _key()
    cert = _leaf_builder(names[0], list(names), _name(names[0]), key.public_key()).sign(
        key, hashes.SHA256()
    )
    return _write(directory / f"self-signed-{names[0]}.pem", cert, key)


def server_context(pem: Path) -> ssl.SSLContext:
    """The TLS context of a test server presenting the certificate in ``pem``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    return context
