"""Staff insight pages (/backoffice/analisi/…): for planning, not for the public.

Protected like every backoffice page (password + TOTP, at least one role), then limited to the
comuni and offices the person may see, through the permission module.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.permissions import Attore, enti_visibili, puo_lavorare
from civico.accounts.staff import staff_richiesto
from civico.analisi import approfondimenti as A
from civico.analisi import costi as C
from civico.analisi import dettaglio as D
from civico.analisi import grafici
from civico.analisi import triage as T
from civico.catalogo.models import Categoria
from civico.core import tabelle
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni import interventi
from civico.segnalazioni.models import Segnalazione

SCELTE_MESI = (3, 6, 12, 24)


def _comune(request: HttpRequest, slug: str) -> Ente:
    ente = Ente.objects.filter(slug=slug).defer("confine").first()
    if ente is None:
        raise Http404("Comune non trovato")
    if not enti_visibili(request.user).filter(pk=ente.pk).exists():
        raise PermissionDenied("Comune non visibile")
    return ente


def _visibili(request: HttpRequest, ente: Ente):
    return Segnalazione.objects.visibili_a(request.user).filter(ente=ente)


def _intero(valore: str | None, ammessi: tuple[int, ...], predefinito: int) -> int:
    try:
        n = int(valore or predefinito)
    except ValueError:
        return predefinito
    return n if n in ammessi else predefinito


@staff_richiesto
def indice(request: HttpRequest) -> HttpResponse:
    enti = list(enti_visibili(request.user).defer("confine").order_by("nome"))
    if len(enti) == 1:
        return redirect("analisi_staff:comune", enti[0].slug)
    return render(request, "analisi/staff_indice.html", {"enti": enti})


@staff_richiesto
def comune(request: HttpRequest, ente: str) -> HttpResponse:
    trovato = _comune(request, ente)
    visibili = _visibili(request, trovato)
    mesi = _intero(request.GET.get("mesi"), SCELTE_MESI, 6)
    minimo = _intero(request.GET.get("minimo"), tuple(range(2, 21)), 3)
    categorie = list(Categoria.objects.filter(ente=trovato).order_by("nome").values_list("pk", "nome"))
    categoria_id = _intero(request.GET.get("categoria"), tuple(pk for pk, _n in categorie), 0) or None
    zone_calde = A.hotspot(visibili, mesi=mesi, minimo=minimo, ente=trovato)
    dettaglio_url = reverse("analisi_staff:dettaglio", args=[trovato.slug])
    storia = A.settimanale(visibili, categoria_id)
    stima = A.previsione(storia)
    recenti = storia[-26:]
    oggi = timezone.localdate()
    costi = C.costi(trovato, visibili, dal=oggi - timedelta(days=365), al=oggi)
    etichette = [d.strftime("%d/%m") for d, _n in recenti]
    etichette += [s["settimana"].strftime("%d/%m") for s in stima["settimane"]]
    grafico = grafici.colonne(
        etichette,
        [(_("Ricevute"), grafici.PRIMARIO, [n for _d, n in recenti] + [0] * len(stima["settimane"])),
         (_("Previsione"), grafici.SECONDARIO, [0] * len(recenti) + [s["stima"] for s in stima["settimane"]])],
        titolo=_("Segnalazioni ricevute per settimana e previsione"),
        descrizione=_("Grafico a colonne; i valori sono nella tabella accanto."),
    )
    return render(request, "analisi/staff_comune.html", {
        "comune": trovato,
        "mesi": mesi, "scelte_mesi": SCELTE_MESI, "minimo": minimo,
        "hotspot": zone_calde, "mappa_hotspot": [
            {"lat": h.lat, "lon": h.lon, "r": max(h.raggio_m, 30), "n": h.n, "nome": h.nome, "categoria": h.categoria,
             "url": f"{dettaglio_url}?ids={h.chiave}"} for h in zone_calde
        ],
        "ricorrenti": A.ricorrenti(visibili, mesi=max(mesi, 12), ente=trovato),
        "categorie": categorie, "categoria_id": categoria_id,
        "recenti": recenti, "stima": stima, "grafico_settimane": grafico,
        "uffici": A.carico_uffici(visibili),
        **_triage(trovato, visibili),
        "costi": costi, "tabelle_costi": [
            ("categorie", _("Per categoria"), _("Categoria"), costi["categorie"]),
            ("uffici", _("Per ufficio"), _("Ufficio"), costi["uffici"]),
            ("mesi", _("Per mese di chiusura"), _("Mese"), costi["mesi"]),
            ("zone", _("Per zona (circa 0,7 km²)"), _("Zona"), costi["zone"]),
        ],
    })


def _mesi_triage(ente: Ente, visibili) -> list[T.MeseTriage]:
    return T.corrispondenza_mensile(visibili, ente.fuso_orario, dal=timezone.now() - timedelta(days=365))


def _triage(ente: Ente, visibili) -> dict:
    mesi = _mesi_triage(ente, visibili)
    grafico = grafici.colonne(
        [m.mese.strftime("%m/%Y") for m in mesi],
        [(_("Uguali al suggerimento (%)"), grafici.PRIMARIO, [m.percentuale or 0 for m in mesi])],
        titolo=_("Categoria suggerita all'arrivo uguale a quella decisa dall'operatore, per mese"),
        descrizione=_("Grafico a colonne; i valori sono nella tabella accanto."),
    ) if mesi else ""
    return {"triage_mesi": mesi, "grafico_triage": grafico}


@staff_richiesto
def triage_csv(request: HttpRequest, ente: str) -> HttpResponse:
    trovato = _comune(request, ente)
    mesi = _mesi_triage(trovato, _visibili(request, trovato))
    return tabelle.risposta_csv(T.intestazione(), T.righe(mesi), f"triage-{trovato.slug}.csv", bom=True)


@staff_richiesto
def costi(request: HttpRequest, ente: str) -> HttpResponse:
    """One of the cost tables of the last 12 months as CSV or XLSX (`?tabella=`, `?formato=`)."""
    trovato = _comune(request, ente)
    nome, formato = request.GET.get("tabella", ""), request.GET.get("formato", "")
    if nome not in C.TABELLE or formato not in ("csv", "xlsx"):
        messages.error(request, _("Tabella o formato non valido: scegli una tabella dei costi, in CSV o XLSX."))
        return redirect("analisi_staff:comune", trovato.slug)
    oggi = timezone.localdate()
    intestazione, righe = C.tabella(C.costi(trovato, _visibili(request, trovato), dal=oggi - timedelta(days=365),
                                            al=oggi), nome)
    file = f"costi-{nome}-{trovato.slug}-{oggi:%Y%m%d}"
    if formato == "csv":
        return tabelle.risposta_csv(intestazione, righe, f"{file}.csv", bom=True)
    return tabelle.risposta_xlsx(intestazione, righe, f"{file}.xlsx", foglio=_("Costi"))


@staff_richiesto
def dettaglio(request: HttpRequest, ente: str) -> HttpResponse:
    """The reports behind a figure, on a page or as CSV/XLSX (`?formato=`)."""
    trovato = _comune(request, ente)
    richiesta = D.leggi(request.GET)
    qs = D.segnalazioni(_visibili(request, trovato), richiesta)
    formato = request.GET.get("formato", "")
    nome = f"segnalazioni-{trovato.slug}-{timezone.localdate():%Y%m%d}"
    if formato == "csv":
        return tabelle.risposta_csv(D.intestazione(), D.righe(qs), f"{nome}.csv", bom=True)
    if formato == "xlsx":
        return tabelle.risposta_xlsx(D.intestazione(), D.righe(qs), f"{nome}.xlsx", foglio=_("Segnalazioni"))
    for errore in richiesta.errori:
        messages.error(request, errore)
    parametri = urlencode(richiesta.parametri())
    return render(request, "analisi/staff_dettaglio.html", {
        "comune": trovato, "segnalazioni": list(qs[:D.MAX_RIGHE_PAGINA]), "totale": qs.count(),
        "massimo": D.MAX_RIGHE_PAGINA, "parametri": parametri,
    })


def _ids(testo: str) -> list[int]:
    parti = [p.strip() for p in (testo or "").split(",") if p.strip()]
    if not parti or len(parti) > D.MAX_IDS or not all(p.isdigit() and len(p) <= 12 for p in parti):
        raise ValueError("ids")
    return sorted({int(p) for p in parti})


@require_POST
@staff_richiesto
def intervento_da_hotspot(request: HttpRequest, ente: str) -> HttpResponse:
    """One click: a work order holding the open reports of that place and category.

    Reports already in an open work order stay there: clicking twice opens the existing order."""
    trovato = _comune(request, ente)
    torna = redirect("analisi_staff:comune", trovato.slug)
    try:
        categoria = Categoria.objects.get(pk=int(request.POST.get("categoria") or 0), ente=trovato)
        ids = _ids(request.POST.get("ids", ""))
    except (ValueError, TypeError, Categoria.DoesNotExist):
        messages.error(request, _("Zona o categoria non valida."))
        return torna
    aperte = [
        s for s in A.aperte_nel_hotspot(_visibili(request, trovato), ids, categoria.pk).select_related("ente")
        if puo_lavorare(request.user, s)
    ]
    if not aperte:
        messages.error(request, _("In questa zona non ci sono segnalazioni aperte su cui lavori."))
        return torna
    gia = interventi.intervento_aperto_con(aperte)
    if gia is not None:
        messages.info(request, _("Queste segnalazioni sono già nell'intervento «%(t)s».") % {"t": gia.titolo})
        return redirect("interventi:intervento", trovato.slug, gia.pk)
    occupate = interventi.in_interventi_aperti(s.pk for s in aperte)
    aperte = [s for s in aperte if s.pk not in occupate]
    luogo = request.POST.get("nome", "").strip()[:120] or next((s.indirizzo for s in aperte if s.indirizzo), "")
    titolo = _("%(categoria)s · %(luogo)s") % {"categoria": categoria.nome, "luogo": luogo or _("zona")}
    try:
        nuovo = interventi.crea_intervento(trovato, Attore.staff(request.user), titolo[:200], aperte)
    except InvalidData as exc:
        messages.error(request, " ".join(str(m) for elenco in exc.errors.values() for m in elenco))
        return torna
    except DomainError as exc:
        messages.error(request, str(exc))
        return torna
    messages.success(request, _("Intervento creato con %(n)s segnalazioni.") % {"n": len(nuovo.segnalazioni.all())})
    return redirect("interventi:intervento", trovato.slug, nuovo.pk)
