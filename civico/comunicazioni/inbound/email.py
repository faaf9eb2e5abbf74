"""An e-mail to the comune's address: a new report, a reporter's reply, or noise to ignore.

- Bounces and auto-replies (empty envelope sender, Auto-Submitted, multipart/report,
  Precedence bulk/junk/auto_reply, X-Autoreply) are recorded and ignored: answering them
  would start mail loops.
- A reply speaks for the reporter (their message and photos on the report, the office told by
  the outbox) only when both are proven: it was sent to the report's signed reply address
  (conversazioni.py: envelope recipient, To, Cc or Delivered-To), and its From is the reporter's
  address with the From domain authenticated (inbound/autenticazione.py). Reply-To never names
  the sender. Anything else about a report (a code in the subject without the signed address, a
  wrong or forged tag, another From, failed or missing authentication) is held for an operator
  (inbound/trattenute.py): stored whole, shown to staff only, never public by itself.
- Anything else is a new report: the place comes from an address in the text (the ente's
  gazetteer); without one there is no point to put it on, so nothing is created and the
  sender is asked for the address. Missing answers to the category's required questions are
  asked the same way. Attachments go through intake's media checks; those refused are left
  out and the sender is told.
Each message (by Message-ID) is processed once.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from civico.accounts.permissions import Attore
from civico.catalogo import services as catalogo
from civico.comunicazioni import collegamenti, conversazioni
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.inbound import autenticazione, citazioni, pec
from civico.comunicazioni.inbound import lettura_testo as lettura
from civico.comunicazioni.inbound.conversazione import DA_LOCALIZZARE, TENTATIVI_PER_DOMANDA, lascia_all_ufficio
from civico.comunicazioni.inbound.lettura_risposte import leggi_risposte
from civico.comunicazioni.inbound.risposte import rispondi
from civico.comunicazioni.models import CanaliEnte, MessaggioInArrivo
from civico.comunicazioni.models.avvisi import Revisione
from civico.comunicazioni.outbox import indirizzo_in_arrivo
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni import eventi, intake, interazioni, media
from civico.segnalazioni.models import Canale, Segnalazione, TipoEvento, Visibilita
from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO

logger = logging.getLogger(__name__)

CODICE = re.compile(r"\b([A-Z]{1,8}-\d{4}-\d{6})\b")
_PREFISSI = re.compile(r"^\s*((re|r|fw|fwd|i|inoltra|rif|aw|wg)\s*:\s*)+", re.IGNORECASE)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_PRECEDENZE_AUTOMATICHE = {"bulk", "junk", "list", "auto_reply"}
_MITTENTI_AUTOMATICI = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.IGNORECASE)


@dataclass(frozen=True)
class EsitoEmailInArrivo:
    azione: str  # creata, messaggio, trattenuta (held for an operator), ignorata, richiesta, duplicata
    motivo: str = ""
    segnalazione: Segnalazione | None = None


def ente_per_destinatario(indirizzo: str) -> Ente | None:
    """The ente an address belongs to: its configured inbound address, or <slug>@ (or <sigla>@)
    the platform's inbound domain."""
    indirizzo = (indirizzo or "").strip().strip("<>").lower()
    if not indirizzo or "@" not in indirizzo:
        return None
    locale, _chiocciola, dominio = indirizzo.rpartition("@")
    locale = locale.split("+", 1)[0]  # a conversation's reply address (conversazioni.py)
    canali = CanaliEnte.objects.filter(
        email_in_arrivo__iexact=f"{locale}@{dominio}", ente__attivo=True
    ).select_related("ente")
    if trovato := canali.first():
        return trovato.ente
    atteso = (impostazione("EMAIL_IN_ARRIVO_DOMINIO") or "").lower()
    if atteso and dominio != atteso:
        return None
    return Ente.objects.filter(attivo=True, slug=locale).first() or Ente.objects.filter(
        attivo=True, sigla__iexact=locale
    ).first()


def ricevi(dati: bytes, *, mittente_busta: str | None, destinatari: list[str]) -> EsitoEmailInArrivo:
    """Process one received message. Never raises for what the message contains."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(dati)
        # A certified e-mail (PEC) is read as the message inside its envelope.
        return pec.leggi(msg, dati, lambda interno, grezzo: _ricevi(interno, grezzo, mittente_busta or "", destinatari))
    except Exception:  # noqa: BLE001 - a message we cannot read must not stop the listener
        logger.exception("E-mail in arrivo illeggibile (%d byte), ignorata", len(dati))
        return EsitoEmailInArrivo("ignorata", "illeggibile")


def _ricevi(msg: EmailMessage, dati: bytes, mittente_busta: str, destinatari: list[str]) -> EsitoEmailInArrivo:
    id_messaggio = str(msg.get("Message-ID", "") or "").strip()
    chiave = hashlib.sha256((id_messaggio or hashlib.sha256(dati).hexdigest()).encode()).hexdigest()
    mittente = _mittente(msg)
    oggetto = _senza_nul(" ".join(str(msg.get("Subject", "") or "").split()))[:250]
    ente = next((e for e in map(ente_per_destinatario, destinatari) if e), None)
    registro = {"chiave": chiave, "canale": "email", "mittente": mittente or mittente_busta[:320], "ente": ente,
                "oggetto": oggetto}
    if MessaggioInArrivo.objects.filter(chiave=chiave).exists():
        return EsitoEmailInArrivo("duplicata", "già ricevuta")
    if motivo := automatico(msg, mittente_busta):
        return _registra(registro, EsitoEmailInArrivo("ignorata", motivo))
    if ente is None:
        return _registra(registro, EsitoEmailInArrivo("ignorata", "destinatario sconosciuto"))
    indirizzi = [*destinatari, *(v for n in ("To", "Cc", "Delivered-To") for v in msg.get_all(n) or [])]
    etichette = conversazioni.etichette(indirizzi)
    risposta = bool(etichette or CODICE.search(oggetto.upper()))
    if not mittente and not risposta:
        return _registra(registro, EsitoEmailInArrivo("ignorata", "mittente non valido"))
    corpo = _senza_nul(corpo_testo(msg))
    allegati, scartati = _allegati(msg)
    nome = _senza_nul(_nome(msg))
    contesto = _Contesto(ente, mittente, nome, oggetto, corpo, allegati, scartati, id_messaggio, chiave)
    if not risposta:
        contesto = _con_il_messaggio_citato(contesto, indirizzi)
        esito = _nuova(contesto)  # intake: a new report, attached to nothing
        if esito.azione == "richiesta":  # kept, so the answer to our question finds it again
            registro = {**registro, "contenuto": _da_ricordare(contesto)}
        return _registra(registro, esito)
    s, motivo = _conversazione(ente, etichette, oggetto)
    if not motivo:
        motivo = _non_provato(msg, dati, s, mittente)
    if motivo:
        return _registra({**registro, "contenuto": dati, "revisione": Revisione.IN_ATTESA},
                         _trattieni(contesto, s, motivo))
    return _registra(registro, _su_segnalazione(contesto, s))


def _conversazione(ente: Ente, etichette: list[conversazioni.Etichetta], oggetto: str
                   ) -> tuple[Segnalazione | None, str]:
    """The report this reply belongs to, and "" if its signed address proves it; otherwise the
    report it names (if any) and why the address does not prove it."""
    valide = {e.codice for e in etichette if e.valida}
    nominata = next(iter(valide), None) or next((e.codice for e in etichette), None)
    if nominata is None and (codice := CODICE.search(oggetto.upper())):
        nominata = codice.group(1)
    s = Segnalazione.objects.filter(ente=ente, codice=nominata).first() if nominata else None
    if len(valide) > 1:
        return s, "indirizzi di risposta di più segnalazioni"
    if not valide:
        if etichette:
            return s, "indirizzo di risposta con firma non valida"
        return s, "codice nell'oggetto senza l'indirizzo di risposta firmato"
    if s is None:
        return None, "indirizzo di risposta di una segnalazione di un altro ente o inesistente"
    return s, ""


def _non_provato(msg: EmailMessage, dati: bytes, s: Segnalazione, mittente: str) -> str:
    """Why this message is not proven to be the reporter's, or "". The From alone counts."""
    email_segnalante = (s.segnalante_email or (s.segnalante.email if s.segnalante else "") or "").lower()
    if not mittente:
        return "mittente (From) mancante, multiplo o non valido"
    if not email_segnalante or mittente != email_segnalante:
        return "il mittente (From) non è l'indirizzo del segnalante"
    verifica = autenticazione.verifica(msg, dati, mittente.rpartition("@")[2])
    return "" if verifica.provato else verifica.motivo


def _trattieni(c: _Contesto, s: Segnalazione | None, motivo: str) -> EsitoEmailInArrivo:
    """Held for an operator: the message is stored whole (by `_registra`); the report's history
    gets an internal note so its office sees it. Nothing public, no attachment stored, and no
    reply: the From may be forged, and a reply would go to someone who never wrote."""
    if s is not None:
        testo = _("E-mail trattenuta per la revisione: non è provato che venga dal segnalante (%(motivo)s). "
                  "Mittente: %(mittente)s. Oggetto: %(oggetto)s.") % {
            "motivo": motivo, "mittente": c.mittente, "oggetto": c.oggetto}
        with transaction.atomic():
            eventi.registra(s, TipoEvento.INTERNAL_NOTE, Attore.di_sistema(), quando=timezone.now(),
                            visibilita=Visibilita.INTERNA, testo=f"{testo}\n\n{c.corpo}"[:MAX_DESCRIZIONE],
                            dati={"email_trattenuta": c.chiave})
    return EsitoEmailInArrivo("trattenuta", motivo, s)


def _senza_nul(testo: str) -> str:
    """What a message says, minus the NUL bytes and lone surrogates no database stores (PostgreSQL
    refuses NUL in text): the subject and body reach replies, reports and logs."""
    return _ILLEGGIBILI.sub("", testo)


_ILLEGGIBILI = re.compile("[\x00\ud800-\udfff]")


def _registra(registro: dict, esito: EsitoEmailInArrivo) -> EsitoEmailInArrivo:
    # A Subject or header with NUL bytes: PostgreSQL refuses them in text (found by tests/sicurezza/test_fuzz.py).
    registro = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in registro.items()}
    logger.info("E-mail da %s (%s): %s %s", registro["mittente"], registro["oggetto"][:60], esito.azione,
                esito.motivo)
    try:
        with transaction.atomic():
            MessaggioInArrivo.objects.create(
                **registro, esito=esito.azione, dettaglio=esito.motivo.replace("\x00", "")[:2000],
                segnalazione=esito.segnalazione,
                ricevuto_il=timezone.now(),
            )
    except IntegrityError:
        pass  # the same message, processed meanwhile by another delivery
    return esito


def automatico(msg: EmailMessage, mittente_busta: str) -> str:
    """Why this looks like a machine's message (bounce, auto-reply, list), or ""."""
    if mittente_busta.strip() in ("", "<>"):
        return "mittente della busta vuoto (notifica di mancato recapito)"
    if str(msg.get("Return-Path", "")).strip() == "<>":
        return "Return-Path vuoto"
    auto = str(msg.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if msg.get_content_type() == "multipart/report":
        return "rapporto di consegna (multipart/report)"
    if str(msg.get("Precedence", "") or "").strip().lower() in _PRECEDENZE_AUTOMATICHE:
        return "Precedence automatica"
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return "risposta automatica"
    if ricevuta_pec := pec.ricevuta(msg):
        return ricevuta_pec
    if _MITTENTI_AUTOMATICI.match(_mittente(msg)):
        return "mittente automatico"
    return ""


def _mittente(msg: EmailMessage) -> str:
    # From only: Reply-To is whatever the writer wants answers to go to, it names nobody.
    # One From with one address: "From: reporter, someone-else" names nobody.
    valori = msg.get_all("From") or []
    indirizzi = getaddresses([str(v) for v in valori])
    if len(valori) != 1 or len(indirizzi) != 1:
        return ""
    indirizzo = indirizzi[0][1].strip().lower()
    try:
        validate_email(indirizzo)
    except ValidationError:
        return ""
    return indirizzo


def _nome(msg: EmailMessage) -> str:
    return strip_tags(parseaddr(str(msg.get("From") or ""))[0]).strip()[:160]


def corpo_testo(msg: EmailMessage) -> str:
    """The new text of the message: plain part (or the HTML one as text), without scripts,
    tags, the quoted message it answers and the signature (inbound/citazioni.py)."""
    parte = msg.get_body(preferencelist=("plain", "html"))
    if parte is None:
        return ""
    try:
        contenuto = parte.get_content()
    except (LookupError, UnicodeError, AssertionError):
        contenuto = (parte.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(contenuto, str):
        return ""
    if parte.get_content_type() == "text/html":
        contenuto = re.sub(r"<br\s*/?>|</p\s*>|</div\s*>", "\n", _SCRIPT.sub("", contenuto), flags=re.IGNORECASE)
    contenuto = html.unescape(strip_tags(_SCRIPT.sub("", contenuto)))
    # No angle brackets left: intake refuses anything that looks like markup.
    testo = re.sub(r"<\s*(?=[a-zA-Z!/?])", "< ", citazioni.solo_il_nuovo(contenuto)).strip()
    return re.sub(r"\n{3,}", "\n\n", testo)


def _allegati(msg: EmailMessage) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(accepted attachments, names and reasons of the refused ones): intake's own checks."""
    return media.vaglia_allegati(((parte.get_filename() or "allegato", _contenuto(parte))
                                  for parte in msg.iter_attachments()),
                                 posti=settings.CIVICO["MAX_FILES_PER_REPORT"])


def _contenuto(parte) -> bytes | None:
    try:
        return parte.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001 - a broken part is one more refused attachment
        return None


@dataclass(frozen=True)
class _Contesto:
    ente: Ente
    mittente: str
    nome: str
    oggetto: str
    corpo: str
    allegati: list[tuple[str, bytes]]
    scartati: list[str]
    id_messaggio: str
    chiave: str
    risposta: str = ""  # what an answer to our question said, read with the first message
    tentativi: int = 0  # answers to our questions so far (the rule of the message channels: two, then the office)


def _rispondi(c: _Contesto, righe: list, link: str = "", *, attende_risposta: bool = False) -> None:
    oggetto = c.oggetto or _("La tua e-mail")
    # A question's answer must reach us and find this message again: its own signed address.
    rispondi_a = conversazioni.indirizzo_del_messaggio(c.chiave, indirizzo_in_arrivo(c.ente)) if attende_risposta \
        else ""
    rispondi(c.ente, origine=c.chiave, email=c.mittente, in_risposta_a=c.id_messaggio, link=link,
             oggetto=lambda: f"Re: {_PREFISSI.sub('', oggetto)}"[:250], righe=righe, rispondi_a=rispondi_a)


_TENTATIVI = "X-Civico-Tentativi"  # in the remembered message only: never read from what a citizen sent


def _da_ricordare(c: _Contesto) -> bytes:
    """What a not-yet-report said (subject, text as read, attachments), as a message of its own:
    the answer to our question is read together with it, and so is an answer to that one."""
    msg = EmailMessage()
    msg["Subject"] = c.oggetto
    msg[_TENTATIVI] = str(c.tentativi)
    msg.set_content(c.corpo or " ")
    for nome, dati in c.allegati:
        msg.add_attachment(dati, maintype="application", subtype="octet-stream", filename=nome)
    return bytes(msg)


def _con_il_messaggio_citato(c: _Contesto, indirizzi: list[str]) -> _Contesto:
    """An answer to "ci servono ancora…" from the same sender: the first message's subject, text
    and attachments join the answer's, so the citizen need not write it all again."""
    chiavi = conversazioni.messaggi_citati(indirizzi)
    if not chiavi or not c.mittente:
        return c
    primo = MessaggioInArrivo.objects.filter(
        chiave__startswith=chiavi[0], ente=c.ente, mittente=c.mittente, esito="richiesta").exclude(
        contenuto=b"").first()
    if primo is None:
        return c
    oggetto, corpo, allegati, _scartati = leggi_trattenuto(bytes(primo.contenuto))
    massimo = settings.CIVICO["MAX_FILES_PER_REPORT"]
    tentativi = BytesParser(policy=policy.default).parsebytes(bytes(primo.contenuto), headersonly=True)[_TENTATIVI]
    return replace(c, oggetto=oggetto or c.oggetto, corpo=f"{c.corpo}\n\n{corpo}".strip(),
                   allegati=[*c.allegati, *allegati][:massimo], risposta=c.corpo,
                   tentativi=(int(tentativi) if str(tentativi or "").isdigit() else 0) + 1)


def _su_segnalazione(c: _Contesto, s: Segnalazione) -> EsitoEmailInArrivo:
    """A proven reply about an existing report: the reporter's message to the office."""
    try:
        aggiungi_del_segnalante(s, c.corpo, c.oggetto, c.allegati)
    except DomainError as exc:
        _rispondi(c, [lambda: _("Non siamo riusciti ad aggiungere il tuo messaggio alla segnalazione %(codice)s:")
                      % {"codice": s.codice}, str(exc)], link=collegamenti.pagina_privata(s))
        return EsitoEmailInArrivo("ignorata", str(exc), s)
    if c.scartati:
        _rispondi(c, [_intro_scartati, *c.scartati])
    return EsitoEmailInArrivo("messaggio", "", s)


def aggiungi_del_segnalante(s: Segnalazione, corpo: str, oggetto: str, allegati: list[tuple[str, bytes]]) -> None:
    """The reply's text and attachments on the report, as the reporter's: a proven reply, or a held
    one an operator published (the same door)."""
    testo = corpo[:MAX_DESCRIZIONE] or _PREFISSI.sub("", oggetto)
    attore = Attore.del_segnalante(s.segnalante)
    if testo.strip():
        interazioni.commenta(s, attore, testo)
    for nome, dati in allegati:
        interazioni.aggiungi_allegato(s, attore, nome, dati)


def leggi_trattenuto(dati: bytes) -> tuple[str, str, list[tuple[str, bytes]], list[str]]:
    """(subject, text, accepted attachments, refused ones) of a held message, read as on arrival."""
    msg = BytesParser(policy=policy.default).parsebytes(dati)
    oggetto = _senza_nul(" ".join(str(msg.get("Subject", "") or "").split()))[:250]
    allegati, scartati = _allegati(msg)
    return oggetto, _senza_nul(corpo_testo(msg)), allegati, scartati


def _intro_scartati() -> str:
    return _("Alcuni allegati non sono stati accettati:")


def _titolo(c: _Contesto) -> str:
    titolo = _PREFISSI.sub("", c.oggetto).strip()
    if not titolo:
        titolo = " ".join(c.corpo.split())[:80]
    return titolo[:MAX_TITOLO]


def _nuova(c: _Contesto) -> EsitoEmailInArrivo:
    testo = f"{c.oggetto}\n{c.corpo}"
    titolo = _titolo(c)
    if not titolo:
        _rispondi(c, [lambda: _("Il messaggio è vuoto: descrivi il problema e indica l'indirizzo (via e numero "
                                "civico).")], attende_risposta=True)
        return EsitoEmailInArrivo("richiesta", "messaggio vuoto")
    # Words only (no gazetteer, or the answer to "ci serve il luogo"): the office places it.
    luogo = lettura.luogo(c.ente, testo, risposta_al_dove=c.risposta)
    if not luogo:
        _rispondi(c, [
            lambda: _("Grazie per la tua segnalazione al Comune di %(ente)s.") % {"ente": c.ente.nome},
            lambda: _("Per registrarla ci serve il luogo: rispondi a questa e-mail indicando la via e il numero "
                      "civico (per esempio «via Roma 12»)."),
        ], attende_risposta=True)
        return EsitoEmailInArrivo("richiesta", "indirizzo mancante")
    categoria = lettura.categoria(c.ente, testo) or catalogo.trova_categoria(c.ente, "altro")
    if categoria is None:
        _rispondi(c, [lambda: _("Non capiamo di che problema si tratta: scrivi di nuovo descrivendolo meglio.")],
                  attende_risposta=True)
        return EsitoEmailInArrivo("richiesta", "categoria non trovata")
    risposte = lettura.risposte_dal_testo(categoria, testo)
    if c.risposta:  # the answer to our questions, as people write it ("sono 2", "sì")
        risposte.update(leggi_risposte(lettura.domande_mancanti(categoria, risposte), c.risposta))
    mancanti = lettura.domande_mancanti(categoria, risposte)
    all_ufficio = tuple(d.codice for d in mancanti) if c.tentativi >= TENTATIVI_PER_DOMANDA else ()
    if mancanti and not all_ufficio:
        _rispondi(c, [
            lambda: _("Per registrare la segnalazione «%(titolo)s» ci servono ancora queste informazioni:")
            % {"titolo": titolo},
            *[lambda d=d: lettura.come_si_risponde(d) for d in mancanti],
            lambda: _("Scrivi di nuovo includendo le risposte e l'indirizzo."),
        ], attende_risposta=True)
        return EsitoEmailInArrivo("richiesta", "risposte mancanti: " + ", ".join(d.codice for d in mancanti))
    a_parole = isinstance(luogo, str)
    dati = intake.NuovaSegnalazione(
        lat=None if a_parole else luogo.lat, lon=None if a_parole else luogo.lon, titolo=titolo,
        categoria=categoria.codice, descrizione=c.corpo[:MAX_DESCRIZIONE], canale=Canale.EMAIL,
        indirizzo=luogo if a_parole else luogo.testo, risposte=risposte, nome=c.nome, email=c.mittente, ente=c.ente,
        da_localizzare=a_parole, categoria_dal_testo=True, domande_all_ufficio=all_ufficio,
    )
    try:
        ricevuta = intake.submit(dati, c.allegati, chiave_idempotenza=f"email:{c.chiave[:48]}")
    except InvalidData as exc:
        _rispondi(c, [lambda: _("Non siamo riusciti a registrare la segnalazione:"),
                      *[m for messaggi in exc.errors.values() for m in messaggi]])
        return EsitoEmailInArrivo("richiesta", str(exc.as_dict()))
    except DomainError as exc:
        _rispondi(c, [lambda: _("Non siamo riusciti a registrare la segnalazione:"), str(exc)])
        return EsitoEmailInArrivo("richiesta", str(exc))
    # One reply per message: the refused attachments and, for words only, who will place it.
    righe = [_intro_scartati, *c.scartati] if c.scartati else []
    if all_ufficio and ricevuta.creata:
        righe += lascia_all_ufficio(ricevuta.segnalazione, categoria, list(all_ufficio),
                                    {codice: [c.risposta[:200]] for codice in all_ufficio})
    if a_parole:
        s = ricevuta.segnalazione
        righe.append(lambda: str(DA_LOCALIZZARE) % {"luogo": s.indirizzo})
    if righe:
        _rispondi(c, righe, link=collegamenti.pagina_privata(ricevuta.segnalazione) if a_parole else "")
    return EsitoEmailInArrivo("creata", "", ricevuta.segnalazione)
