"""The SAML2 key pair of a relying party: an RSA key and a self-signed certificate in the AgID
profile for public-sector service providers (Avviso SPID n.29 v3, "spid-compliant-certificates").

The key is generated here and stored only in the database; only the certificate (and its
fingerprint) is ever shown."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier

from civico.accounts.models import RelyingParty

BIT = 3072  # AgID: at least 2048
DURATA = datetime.timedelta(days=730)
# AgID certificate policies: agIDcert, and the public-sector SP profile.
POLITICA_AGID = ObjectIdentifier("1.3.76.16.6")
POLITICA_SP_PUBBLICO = ObjectIdentifier("1.3.76.16.4.2.1")
OID_URI = ObjectIdentifier("2.5.4.83")  # the "uri" attribute: the entity id


def entity_id(rp: RelyingParty) -> str:
    return rp.saml_entity_id or rp.client_id


def _soggetto(rp: RelyingParty) -> x509.Name:
    nome = rp.nome_organizzazione or (rp.ente.nome if rp.ente_id else "Civico")
    attributi = [
        x509.NameAttribute(NameOID.COMMON_NAME, nome[:64]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, nome[:64]),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
        x509.NameAttribute(OID_URI, entity_id(rp)),
    ]
    if rp.codice_ipa:
        # Public SPs: "PA:IT-" + IPA code (organizationIdentifier, OID 2.5.4.97).
        attributi.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"PA:IT-{rp.codice_ipa}"))
    if rp.ente_id and getattr(rp.ente, "nome", ""):
        attributi.append(x509.NameAttribute(NameOID.LOCALITY_NAME, rp.ente.nome[:128]))
    return x509.Name(attributi)


def genera(rp: RelyingParty, *, bit: int = BIT) -> str:
    """Give the relying party a new key pair (saved); returns the certificate's SHA-256 fingerprint."""
    rp.saml_chiave_privata, rp.saml_certificato = nuova_coppia(rp, bit=bit)
    rp.save(update_fields=["saml_chiave_privata", "saml_certificato"])
    return impronta(rp)


def nuova_coppia(rp: RelyingParty, *, bit: int = BIT) -> tuple[str, str]:
    """A new RSA key and its AgID-profile certificate for this relying party, both PEM."""
    chiave = rsa.generate_private_key(public_exponent=65537, key_size=bit)
    soggetto = _soggetto(rp)
    adesso = datetime.datetime.now(datetime.UTC)
    certificato = (
        x509.CertificateBuilder()
        .subject_name(soggetto).issuer_name(soggetto)
        .public_key(chiave.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(adesso - datetime.timedelta(minutes=5))
        .not_valid_after(adesso + DURATA)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=False)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.CertificatePolicies([
            x509.PolicyInformation(POLITICA_AGID, None),
            x509.PolicyInformation(POLITICA_SP_PUBBLICO, None),
        ]), critical=False)
        .sign(chiave, hashes.SHA256())
    )
    return (
        chiave.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode(),
        certificato.public_bytes(serialization.Encoding.PEM).decode(),
    )


def impronta(rp: RelyingParty) -> str:
    """SHA-256 fingerprint of the certificate, as AA:BB:..."""
    certificato = x509.load_pem_x509_certificate(rp.saml_certificato.encode())
    return certificato.fingerprint(hashes.SHA256()).hex(":").upper()


def certificato_base64(rp: RelyingParty) -> str:
    """The certificate's DER in base64, as <ds:X509Certificate> carries it."""
    righe = rp.saml_certificato.strip().splitlines()
    return "".join(r for r in righe if not r.startswith("-----"))
