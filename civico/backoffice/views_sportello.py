"""Reports taken on a citizen's behalf (phone, letter, counter, e-mail) and their printable receipt."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from civico.accounts.permissions import puo_lavorare, puo_vedere_contatti
from civico.accounts.staff import staff_richiesto
from civico.backoffice import sportello
from civico.backoffice.accesso import qr_svg
from civico.backoffice.scheda import carica
from civico.catalogo.models import Categoria
from civico.core import mappa
from civico.errors import DomainError, InvalidData, NotAllowed
from civico.segnalazioni.models import Canale

MAX_ALLEGATI_FORM = 5


@staff_richiesto
def nuova(request: HttpRequest) -> HttpResponse:
    """One form, three steps without JavaScript: choose the category (its questions appear),
    look up the address, save. With htmx the first two update in place."""
    enti = sportello.enti_per_sportello(request.user)
    if not enti:
        raise PermissionDenied("Nessun comune in cui registrare segnalazioni")
    dati = request.POST if request.method == "POST" else request.GET
    ente = next((e for e in enti if str(e.pk) == dati.get("ente")), enti[0])
    categorie = list(sportello.categorie(ente))
    categoria = next((c for c in categorie if str(c.pk) == dati.get("categoria")), None)
    campi = {k: dati.get(k, "").strip() for k in sportello.CAMPI}
    campi["canale"] = campi["canale"] or Canale.PHONE
    contesto = {
        "enti": enti, "comune": ente, "categorie": categorie, "categoria": categoria, "campi": campi,
        "canali": [(c.value, c.label) for c in sportello.CANALI], "risposte": sportello.risposte(categoria, dati),
        "chiave": dati.get("chiave") or sportello.nuova_chiave(), "errori": {}, "indirizzi": None,
        "centro": sportello.centro(ente), "tile_url": mappa.tile_url(),
    }
    passo = request.POST.get("passo", "")
    if request.method == "POST" and passo == "cerca":
        contesto["indirizzi"] = sportello.cerca_indirizzi(ente, campi["indirizzo"])
    elif request.method == "POST" and passo == "salva":
        luogo = request.POST.get("luogo", "")
        if luogo.count("|") == 2:  # an address chosen from the search: "lat|lon|text"
            campi["lat"], campi["lon"], campi["indirizzo"] = luogo.split("|")
        allegati = [(f.name, f) for f in request.FILES.getlist("allegati")[:MAX_ALLEGATI_FORM + 1]]
        try:
            s = sportello.registra(request.user, ente, campi, contesto["risposte"], allegati, chiave=contesto["chiave"])
        except DomainError as errore:
            contesto["errori"] = _errori(errore)
        else:
            return redirect("backoffice:ricevuta", codice=s.codice)
    contesto["domande"] = _domande(categoria, contesto["risposte"], contesto["errori"])
    stato = 400 if contesto["errori"] and not request.htmx else 200
    return render(request, "backoffice/sportello/nuova.html", contesto, status=stato)


def _domande(categoria: Categoria | None, risposte: dict, errori: dict) -> list[dict]:
    """The category's questions with what was answered and what is wrong, for the template."""
    if categoria is None:
        return []
    return [
        {"d": d, "valore": risposte.get(d.codice, ""), "errori": errori.get(f"risposte.{d.codice}", [])}
        for d in categoria.domande.all()
    ]


def _errori(errore: DomainError) -> dict[str, list[str]]:
    if errore.code == "idempotency_key_reused":  # the browser's back button, then a changed form
        return {"__all__": [_("Questo modulo è già stato usato per un'altra segnalazione: apri un modulo nuovo.")]}
    if isinstance(errore, InvalidData):
        errori = errore.as_dict()
        # Coordinates and the address are one field on this form: the place.
        if "posizione" in errori:
            errori.setdefault("indirizzo", []).extend(errori.pop("posizione"))
        return errori
    return {"__all__": [str(errore)]}


@staff_richiesto
def ricevuta(request: HttpRequest, codice: str) -> HttpResponse:
    """A printable receipt for the citizen: the code, and the private link to follow the report.
    Only for whoever registered the report, shortly after (`sportello.verifica_ricevuta`)."""
    s = carica(request.user, codice)
    if s is None or not puo_lavorare(request.user, s):
        raise Http404("Segnalazione non trovata")
    try:
        sportello.verifica_ricevuta(request.user, s)
    except NotAllowed as negato:
        risposta = render(request, "backoffice/sportello/ricevuta_negata.html", {"s": s, "motivo": str(negato)},
                          status=403)
        risposta["Cache-Control"] = "no-store"
        return risposta
    link_privato = request.build_absolute_uri(reverse("portale:segnalazione_privata", args=[s.token]))
    contesto = {
        "s": s,
        "contatti": puo_vedere_contatti(request.user, s),
        "link_pubblico": request.build_absolute_uri(reverse("portale:segnalazione", args=[s.codice])),
        "link_privato": link_privato,
        "qr": qr_svg(link_privato),
    }
    risposta = render(request, "backoffice/sportello/ricevuta.html", contesto)
    risposta["Referrer-Policy"] = "no-referrer"  # the page holds the reporter's private link
    risposta["Cache-Control"] = "no-store"  # …and must not outlive its window in a cache
    return risposta
