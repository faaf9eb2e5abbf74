"""A SAML2 identity provider for the tests, on pysaml2's own IdP (`saml2.server.Server`): its key
pair, its metadata (loaded into the registry like AgID's list), and Responses it signs, valid or
broken on purpose (each broken one after the signature would not show the SP's check at work)."""

from __future__ import annotations

import base64
import datetime
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name, saml, samlp
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part, signed_instance_factory
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from civico.accounts.models import LivelloSpid

PERSONA = {"fiscalNumber": ["TINIT-RSSMRA80A01H501U"], "name": ["Mario"], "familyName": ["Rossi"],
           "email": ["mario.rossi@example.org"]}


def coppia_di_chiavi(cartella, nome: str) -> tuple[str, str]:
    chiave = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    soggetto = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, nome)])
    adesso = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(soggetto).issuer_name(soggetto)
            .public_key(chiave.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(adesso - datetime.timedelta(days=1))
            .not_valid_after(adesso + datetime.timedelta(days=30)).sign(chiave, hashes.SHA256()))
    file_chiave, file_cert = cartella / f"{nome}.key", cartella / f"{nome}.crt"
    file_chiave.write_bytes(chiave.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    file_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(file_chiave), str(file_cert)


class IdpDiProva:
    def __init__(self, cartella, entity_id: str = "https://idp.prova.example/"):
        self.entity_id = entity_id
        self.chiave, self.cert = coppia_di_chiavi(cartella, entity_id.split("/")[2])
        self.cartella = cartella
        self.sp_metadata = ""
        self._server = None

    def _config(self) -> dict:
        eid = self.entity_id
        conf = {
            "entityid": eid, "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": self.chiave, "cert_file": self.cert,
            "organization": {"name": "IdP di prova", "display_name": "IdP di prova", "url": eid},
            "service": {"idp": {
                "endpoints": {
                    "single_sign_on_service": [(f"{eid}sso", BINDING_HTTP_REDIRECT), (f"{eid}sso", BINDING_HTTP_POST)],
                    "single_logout_service": [(f"{eid}slo", BINDING_HTTP_REDIRECT)],
                },
                "want_authn_requests_signed": True,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None,
                                       "name_form": NAME_FORMAT_BASIC}},
            }},
            "signing_algorithm": SIG_RSA_SHA256, "digest_algorithm": DIGEST_SHA256,
        }
        if self.sp_metadata:
            conf["metadata"] = {"inline": [self.sp_metadata]}
        return conf

    def metadata(self) -> str:
        c = IdPConfig()
        c.load(self._config())
        return str(entity_descriptor(c))

    @property
    def server(self) -> Server:
        if self._server is None:
            c = IdPConfig()
            c.load(self._config())
            self._server = Server(config=c)
        return self._server

    def conosci_sp(self, sp_metadata: bytes | str) -> None:
        self.sp_metadata = sp_metadata.decode() if isinstance(sp_metadata, bytes) else sp_metadata
        self._server = None

    def leggi_richiesta(self, url: str):
        """The AuthnRequest of a redirect to our SSO URL, its signature checked (raises if bad)."""
        q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        richiesta = self.server.parse_authn_request(
            q["SAMLRequest"], BINDING_HTTP_REDIRECT, relay_state=q.get("RelayState"),
            sigalg=q.get("SigAlg"), signature=q.get("Signature"))
        return richiesta, q

    def risposta(self, richiesta_id: str, acs: str, sp_entity_id: str, *, livello: str = LivelloSpid.L2.value,
                 persona: dict | None = None, firma_asserzione: bool = True, firma_risposta: bool = True,
                 modifica=None) -> str:
        """A Response (base64, as the browser posts it). `modifica(response)` changes it before signing."""
        testo = self.server.create_authn_response(
            persona or PERSONA, richiesta_id, acs, sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, name_qualifier=self.entity_id, text="_utente-di-prova"),
            authn={"class_ref": livello, "authn_auth": self.entity_id},
            sign_response=False, sign_assertion=False,
        )
        risposta = samlp.response_from_string(str(testo))
        asserzione = risposta.assertion[0]
        asserzione.issuer.format = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
        # The attributes as SPID IdPs send them (basic names), not filtered by pysaml2's IdP policy.
        valori = []
        for nome, (valore,) in (persona or PERSONA).items():
            v = saml.AttributeValue()
            v.set_text(valore)
            valori.append(saml.Attribute(name=nome, name_format=NAME_FORMAT_BASIC, attribute_value=[v]))
        asserzione.attribute_statement = [saml.AttributeStatement(attribute=valori)]
        if modifica:
            modifica(risposta)
        da_firmare = []
        cert = "".join(r for r in Path(self.cert).read_text().splitlines() if not r.startswith("-----"))
        if firma_asserzione:
            asserzione.signature = pre_signature_part(asserzione.id, cert, sign_alg=SIG_RSA_SHA256,
                                                      digest_alg=DIGEST_SHA256)
            da_firmare.append((class_name(asserzione), asserzione.id))
        if firma_risposta:
            risposta.signature = pre_signature_part(risposta.id, cert, sign_alg=SIG_RSA_SHA256,
                                                    digest_alg=DIGEST_SHA256)
            da_firmare.append((class_name(risposta), risposta.id))
        xml = signed_instance_factory(risposta, self.server.sec, da_firmare) if da_firmare else str(risposta)
        return base64.b64encode(str(xml).encode()).decode()
