"""The web reporting flow: a server-side draft filled step by step, then sent through intake.

Each step checks what it can know; intake checks everything again on submission, and its
errors are mapped back to the step and the field where the citizen can fix them. The draft
carries the idempotency key, so a double click or a replayed offline submission is one report.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import Attore
from civico.catalogo import services as catalogo
from civico.catalogo.domande import valida_risposte
from civico.catalogo.models import Categoria, Domanda
from civico.enti.models import Ente
from civico.errors import Conflict, DomainError, InvalidData
from civico.patrimonio import servizi as patrimonio
from civico.portale import flusso_file
from civico.portale.flusso_luogo import Luogo
from civico.portale.models import Bozza, ValutazioneServizio
from civico.segnalazioni import intake
from civico.segnalazioni.models import Canale, Segnalazione
from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO, valida_testo

DURATA = timedelta(days=7)
MAX_NOME = 160


@dataclass(frozen=True)
class Passo:
    codice: str
    etichetta: Promise


PRIVACY, LUOGO, DISSERVIZIO, AUTORE, RIEPILOGO, CONFERMA = (
    "privacy", "luogo", "disservizio", "autore", "riepilogo", "conferma",
)
PASSI = [
    Passo(PRIVACY, _("Informativa privacy")),
    Passo(LUOGO, _("Luogo")),
    Passo(DISSERVIZIO, _("Disservizio")),
    Passo(AUTORE, _("Autore")),
    Passo(RIEPILOGO, _("Riepilogo")),
    Passo(CONFERMA, _("Conferma")),
]
DA_COMPILARE = [PRIVACY, LUOGO, DISSERVIZIO, AUTORE]

# Intake's field names → the step where they are filled in.
_PASSO_DEL_CAMPO = {
    "privacy": PRIVACY, "posizione": LUOGO, "indirizzo": LUOGO, "ente": LUOGO,
    "titolo": DISSERVIZIO, "descrizione": DISSERVIZIO, "categoria": DISSERVIZIO, "allegati": DISSERVIZIO,
    "bene": DISSERVIZIO,
    "nome": AUTORE, "email": AUTORE, "telefono": AUTORE, "anonimo": AUTORE,
}


def passo_del_campo(campo: str) -> str:
    if campo.startswith("risposte."):
        return DISSERVIZIO
    return _PASSO_DEL_CAMPO.get(campo, RIEPILOGO)


class ErroreInvio(Exception):
    """The submission was refused: the errors by field and the first step to fix."""

    def __init__(self, errori: dict[str, list[str]]):
        super().__init__(errori)
        self.errori = errori
        passi = [passo_del_campo(c) for c in errori]
        self.passo = min(passi, key=[p.codice for p in PASSI].index)


# --- The draft itself -------------------------------------------------------------------------


def nuova(*, sessione: str, utente: Any = None, ente: Ente | None = None) -> Bozza:
    elimina_scadute()
    return Bozza.objects.create(
        sessione=sessione or "", utente=_utente(utente), ente=ente,
        scade_il=timezone.now() + DURATA, dati={"passi": []},
    )


def trova(valore: str | uuidlib.UUID, *, utente: Any = None) -> Bozza | None:
    """A live draft by uuid. The uuid is the capability (it survives an expired session), but
    a draft of a signed-in citizen is not shown to another signed-in citizen."""
    try:
        chiave = valore if isinstance(valore, uuidlib.UUID) else uuidlib.UUID(str(valore))
    except ValueError:
        return None
    bozza = Bozza.objects.select_related("ente", "segnalazione").filter(uuid=chiave).first()
    if bozza is None:
        return None
    altro = _utente(utente)
    if bozza.utente_id and altro is not None and altro.pk != bozza.utente_id:
        return None
    return bozza


def scaduta(bozza: Bozza) -> bool:
    return bozza.scade_il <= timezone.now()


def collega(bozza: Bozza, *, sessione: str, utente: Any = None) -> None:
    """Bind the draft to the current session (and account), e.g. after the old session expired."""
    campi = []
    if sessione and bozza.sessione != sessione:
        bozza.sessione = sessione
        campi.append("sessione")
    u = _utente(utente)
    if u is not None and bozza.utente_id is None:
        bozza.utente = u
        campi.append("utente")
    if campi:
        bozza.save(update_fields=campi)


def da_riprendere(*, sessione: str, utente: Any = None) -> Bozza | None:
    """The latest unsent draft of this session or account, to offer "riprendi"."""
    u = _utente(utente)
    qs = Bozza.objects.filter(segnalazione__isnull=True, scade_il__gt=timezone.now())
    if u is not None:
        qs = qs.filter(utente=u)
    elif sessione:
        qs = qs.filter(sessione=sessione, utente__isnull=True)
    else:
        return None
    return qs.order_by("-aggiornata_il").first()


def elimina_scadute(limite: int = 100) -> int:
    """Expired drafts and their files go; run on every new draft and by the worker."""
    scadute = list(Bozza.objects.filter(scade_il__lte=timezone.now()).order_by("scade_il")[:limite])
    for bozza in scadute:
        flusso_file.elimina_tutti(bozza)
        bozza.delete()
    return len(scadute)


def _utente(utente: Any):
    return utente if utente is not None and getattr(utente, "is_authenticated", False) else None


def _salva(bozza: Bozza, passo: str, valori: dict[str, Any]) -> None:
    dati = dict(bozza.dati)
    dati[passo] = valori
    passi = [p for p in dati.get("passi", []) if p != passo]
    dati["passi"] = [*passi, passo]
    errori = {c: m for c, m in dati.get("errori", {}).items() if passo_del_campo(c) != passo}
    dati["errori"] = errori
    # Each save of a step bumps its revision: the browser's mirror of an older one is stale.
    dati["rev"] = {**dati.get("rev", {}), passo: dati.get("rev", {}).get(passo, 0) + 1}
    bozza.dati = dati
    bozza.scade_il = timezone.now() + DURATA
    bozza.save()


def completati(bozza: Bozza) -> list[str]:
    return list(bozza.dati.get("passi", []))


def primo_mancante(bozza: Bozza) -> str | None:
    fatti = set(completati(bozza))
    return next((p for p in DA_COMPILARE if p not in fatti), None)


def accessibile(bozza: Bozza, passo: str) -> bool:
    """A step may be opened once every step before it is done."""
    mancante = primo_mancante(bozza)
    ordine = [p.codice for p in PASSI]
    return mancante is None or ordine.index(passo) <= ordine.index(mancante)


def errori_salvati(bozza: Bozza, passo: str) -> dict[str, list[str]]:
    """Errors of the last refused submission that belong to this step."""
    return {c: m for c, m in bozza.dati.get("errori", {}).items() if passo_del_campo(c) == passo}


def valori(bozza: Bozza, passo: str) -> dict[str, Any]:
    return dict(bozza.dati.get(passo) or {})


# --- Steps ------------------------------------------------------------------------------------


def salva_privacy(bozza: Bozza) -> None:
    _salva(bozza, PRIVACY, {"accettata_il": timezone.now().isoformat()})


def salva_luogo(bozza: Bozza, luogo: Luogo) -> None:
    if bozza.ente_id and bozza.ente_id != luogo.ente.pk:
        _dimentica_categoria(bozza)  # categories belong to one comune
    bozza.ente = luogo.ente
    _salva(bozza, LUOGO, luogo.come_dati())


def _dimentica_categoria(bozza: Bozza) -> None:
    dati = dict(bozza.dati)
    dati.pop(DISSERVIZIO, None)
    dati["passi"] = [p for p in dati.get("passi", []) if p != DISSERVIZIO]
    bozza.dati = dati


def categorie(ente: Ente | None) -> list[Categoria]:
    if ente is None:
        return []
    return list(
        Categoria.objects.filter(ente=ente, attiva=True)
        .prefetch_related(Prefetch("domande", queryset=Domanda.objects.order_by("ordine")))
        .order_by("gruppo", "ordine", "nome")
    )


def per_gruppo(elenco: list[Categoria]) -> list[tuple[str, list[Categoria]]]:
    gruppi: dict[str, list[Categoria]] = {}
    for c in elenco:
        gruppi.setdefault(c.gruppo_locale or str(_("Altro")), []).append(c)
    return list(gruppi.items())


def categoria_della_bozza(bozza: Bozza) -> Categoria | None:
    codice = valori(bozza, DISSERVIZIO).get("categoria")
    return catalogo.trova_categoria(bozza.ente, codice) if bozza.ente and codice else None


def salva_disservizio(
    bozza: Bozza, *, categoria: str, titolo: str, descrizione: str, risposte: dict[str, Any],
    bene: str | int | None = None,
) -> None:
    """Raises InvalidData with intake's field names (categoria, titolo, risposte.<codice>…)."""
    errori: dict[str, list] = {}
    titolo = valida_testo(titolo, "titolo", MAX_TITOLO, errori, obbligatorio=True)
    descrizione = valida_testo(descrizione, "descrizione", MAX_DESCRIZIONE, errori)
    trovata = catalogo.trova_categoria(bozza.ente, categoria) if bozza.ente and categoria else None
    if trovata is None:
        errori["categoria"] = [_("Scegli una categoria.")]
    else:
        _pulite, errori_risposte = valida_risposte(trovata, risposte)
        errori.update(errori_risposte)
        luogo = valori(bozza, LUOGO)
        try:  # the asset picked on the map (optional), checked against category and place
            scelto = patrimonio.bene_scelto(trovata, _intero(bene), luogo.get("lat"), luogo.get("lon"))
        except InvalidData as exc:
            errori.update(exc.as_dict())
        if trovata.foto_obbligatoria and not flusso_file.ha_foto(bozza):
            errori.setdefault("allegati", []).append(
                _("Per la categoria «%(c)s» serve almeno una foto.") % {"c": trovata.nome_locale}
            )
    if errori:
        raise InvalidData(errori)
    _salva(bozza, DISSERVIZIO, {
        "categoria": trovata.codice, "titolo": titolo, "descrizione": descrizione,
        # As typed: intake validates and normalises them again on submission.
        "risposte": {k: v for k, v in risposte.items() if v not in (None, "", [])},
        "bene": scelto.pk if scelto else None,
    })


def _intero(valore: Any) -> int | None:
    try:
        return int(valore) if valore not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # something sent that is no asset: bene_scelto refuses it


def conserva_disservizio(
    bozza: Bozza, *, categoria: str, titolo: str, descrizione: str, risposte: dict[str, Any],
    bene: str | int | None = None,
) -> None:
    """Keep what the citizen typed in step 3 when they leave it by another button (e.g. the
    photo's position): saved as done if valid, else kept as typed for the step to show again.
    The server holds it, not only the browser's copy."""
    try:
        salva_disservizio(bozza, categoria=categoria, titolo=titolo, descrizione=descrizione, risposte=risposte,
                          bene=bene)
        return
    except InvalidData:
        pass
    trovata = catalogo.trova_categoria(bozza.ente, categoria) if bozza.ente and categoria else None
    dati = dict(bozza.dati)
    dati[DISSERVIZIO] = {
        "categoria": trovata.codice if trovata else "",  # a code of another comune is forgotten
        "titolo": (titolo or "").strip()[: MAX_TITOLO],
        "descrizione": (descrizione or "").strip()[: MAX_DESCRIZIONE],
        "risposte": {k: v for k, v in risposte.items() if v not in (None, "", [])} if trovata else {},
    }
    dati["passi"] = [p for p in dati.get("passi", []) if p != DISSERVIZIO]  # not valid: to be completed
    dati["rev"] = {**dati.get("rev", {}), DISSERVIZIO: dati.get("rev", {}).get(DISSERVIZIO, 0) + 1}
    bozza.dati = dati
    bozza.save(update_fields=["dati", "aggiornata_il"])


def salva_autore(bozza: Bozza, *, anonimo: bool, nome: str, email: str, telefono: str) -> None:
    errori: dict[str, list] = {}
    categoria = categoria_della_bozza(bozza)
    obbligatori = bool(categoria and categoria.contatti_obbligatori)
    if anonimo:
        nome = email = telefono = ""
        if obbligatori:
            errori["anonimo"] = [
                _("Per la categoria «%(c)s» lascia un'e-mail o un telefono.") % {"c": categoria.nome_locale}
            ]
    else:
        nome = valida_testo(nome, "nome", MAX_NOME, errori)
        email, telefono = (email or "").strip(), (telefono or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errori["email"] = [_("L'indirizzo e-mail non è valido.")]
        if obbligatori and not (email or telefono):
            errori.setdefault("email", []).append(
                _("Per la categoria «%(c)s» lascia un'e-mail o un telefono.") % {"c": categoria.nome_locale}
            )
        elif not (email or telefono) and "email" not in errori:
            # "Yes, contact me" with no way to do it would be a promise nobody can keep.
            errori["email"] = [_(
                "Hai scelto di lasciare i contatti: scrivi un'e-mail o un telefono, oppure scegli di restare anonimo."
            )]
    if errori:
        raise InvalidData(errori)
    # The phone's format is intake's to judge: its refusal comes back to this step.
    _salva(bozza, AUTORE, {"anonimo": anonimo, "nome": nome, "email": email, "telefono": telefono})


# --- Submission -------------------------------------------------------------------------------


def nuova_segnalazione(bozza: Bozza) -> intake.NuovaSegnalazione:
    luogo, disservizio, autore = (valori(bozza, p) for p in (LUOGO, DISSERVIZIO, AUTORE))
    return intake.NuovaSegnalazione(
        lat=luogo.get("lat"), lon=luogo.get("lon"), indirizzo=luogo.get("indirizzo", ""),
        titolo=disservizio.get("titolo", ""), categoria=disservizio.get("categoria"),
        descrizione=disservizio.get("descrizione", ""), risposte=disservizio.get("risposte", {}),
        nome=autore.get("nome", ""), email=autore.get("email", ""), telefono=autore.get("telefono", ""),
        canale=Canale.WEB, ente=bozza.ente,
        lingua=intake.scegli_lingua(get_language()),  # the page's language, as the citizen chose it
    )


def invia(bozza: Bozza, attore: Attore) -> Segnalazione:
    """Send the draft through intake, once. Raises ErroreInvio with the fields to fix."""
    try:
        with transaction.atomic():
            # The row lock queues a second click behind the first, which then finds the report.
            b = Bozza.objects.select_for_update().get(pk=bozza.pk)
            if b.segnalazione_id:
                return b.segnalazione
            mancante = primo_mancante(b)
            if mancante:
                raise ErroreInvio({_campo_del_passo(mancante): [str(_("Completa questo passaggio."))]})
            s = _invia(b, attore)
    except (InvalidData, DomainError) as exc:
        errori = _errori(exc)
        bozza.dati = {**bozza.dati, "errori": errori}
        bozza.save(update_fields=["dati", "aggiornata_il"])
        raise ErroreInvio(errori) from exc
    bozza.refresh_from_db()
    return s


def _invia(b: Bozza, attore: Attore) -> Segnalazione:
    file = flusso_file.elenco(b)
    try:
        allegati = [(f.nome_originale or f.file.name, f.file) for f in file]
        ricevuta = intake.submit(nuova_segnalazione(b), allegati, attore=attore, chiave_idempotenza=b.chiave)
    finally:
        for f in file:
            f.file.close()
    s = ricevuta.segnalazione
    _collega_bene(s, valori(b, DISSERVIZIO).get("bene"))
    # The report keeps the data now: the draft only remembers where it went.
    b.segnalazione = s
    b.dati = {"passi": b.dati.get("passi", []), "rev": b.dati.get("rev", {}), "inviata_il": timezone.now().isoformat()}
    b.save()
    flusso_file.elimina_tutti(b)
    return s


def _collega_bene(s: Segnalazione, bene: int | None) -> None:
    """The asset picked at step 3, if it still fits the report (category, place, active):
    optional, so an asset switched off meanwhile never blocks the report."""
    try:
        scelto = patrimonio.bene_scelto(s.categoria, bene, s.lat, s.lon)
    except InvalidData:
        return
    if scelto is not None:
        patrimonio.collega(s, scelto)


def _errori(exc: DomainError) -> dict[str, list[str]]:
    if isinstance(exc, InvalidData):
        return exc.as_dict()
    if isinstance(exc, Conflict):
        return {"invio": [str(exc)]}
    return {"posizione": [str(exc)]}  # ComuneNonAttivo, PuntoFuoriItalia…


def _campo_del_passo(passo: str) -> str:
    return {PRIVACY: "privacy", LUOGO: "posizione", DISSERVIZIO: "categoria", AUTORE: "anonimo"}[passo]


def attore_per(utente: Any) -> Attore:
    return Attore.del_segnalante(_utente(utente))


# --- The service's rating ---------------------------------------------------------------------


def valutata(bozza: Bozza) -> bool:
    return ValutazioneServizio.objects.filter(bozza=bozza).exists()


def valuta(bozza: Bozza, voto: int, commento: str = "") -> bool:
    """Record the 1–5 rating once per submitted draft; False if it was already given."""
    if not 1 <= voto <= 5:
        raise InvalidData({"voto": [_("Scegli un voto da 1 a 5.")]})
    _obj, creata = ValutazioneServizio.objects.get_or_create(
        bozza=bozza, defaults={"ente": bozza.ente, "voto": voto, "commento": (commento or "").strip()[:500]}
    )
    return creata
