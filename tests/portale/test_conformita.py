"""AgID's validator for comuni (pa-website-validator), criterion by criterion, as it reads our
pages: the data-element markers, their texts compared with the Designers Italia model's words
(lowercased, spaces collapsed), the Bootstrap Italia version as the CSS declares it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from civico.accounts.models import Ruolo
from civico.enti.models import Ente
from civico.portale.models import ValutazionePagina
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db

VUOTI = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Elemento:
    tag: str
    attributi: dict[str, str]
    testo: str = ""
    figli: list[Elemento] = field(default_factory=list)
    genitore: Elemento | None = None

    def tutti(self, elemento: str | None = None, tag: str | None = None) -> list[Elemento]:
        """Descendants in document order, by data-element and/or tag (querySelectorAll)."""
        trovati = []
        for figlio in self.figli:
            if (elemento is None or figlio.attributi.get("data-element") == elemento) and (tag in (None, figlio.tag)):
                trovati.append(figlio)
            trovati += figlio.tutti(elemento, tag)
        return trovati

    def uno(self, elemento: str) -> Elemento:
        trovati = self.tutti(elemento)
        assert trovati, f"no data-element={elemento}"
        return trovati[0]

    @property
    def parole(self) -> str:
        """textContent, trimmed, spaces collapsed: what the validator compares."""
        return " ".join(self.testo.split())


class _Albero(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.radice = self.corrente = Elemento("#document", {})

    def handle_starttag(self, tag, attrs):
        nuovo = Elemento(tag, {k: v or "" for k, v in attrs}, genitore=self.corrente)
        self.corrente.figli.append(nuovo)
        if tag not in VUOTI:
            self.corrente = nuovo

    def handle_endtag(self, tag):
        nodo = self.corrente
        while nodo.genitore is not None and nodo.tag != tag:
            nodo = nodo.genitore
        if nodo.genitore is not None:
            self.corrente = nodo.genitore

    def handle_data(self, data):
        nodo = self.corrente
        while nodo is not None:
            nodo.testo += data
            nodo = nodo.genitore


def albero(html: str) -> Elemento:
    parser = _Albero()
    parser.feed(html)
    return parser.radice


def pagina(client, url: str, **kwargs) -> Elemento:
    r = client.get(url, **kwargs)
    assert r.status_code == 200, url
    return albero(r.content.decode())


# --- C.SI.1.2: Bootstrap Italia present, version detectable --------------------------------------

def _versione_del_kit() -> str:
    css = Path(finders.find("css/bootstrap-italia.min.css")).read_text(encoding="utf-8")
    return re.search(r"--bootstrap-italia-version:\s*['\"]([\d.]+)['\"]", css).group(1)


def test_the_css_declares_the_kits_version_in_the_quotes_the_validator_strips(client, db):
    # The validator: getComputedStyle(body).getPropertyValue("--bootstrap-italia-version")
    # .trim().replaceAll('"', "") must be a version >= 2.0.0. Our stylesheet comes after the kit's.
    css = Path(finders.find("civico/civico.css")).read_text(encoding="utf-8")
    valore = re.search(r":root\s*{\s*--bootstrap-italia-version:\s*([^;]+);", css).group(1)
    versione = valore.strip().replace('"', "")
    assert versione == _versione_del_kit()
    assert tuple(int(p) for p in versione.split(".")) >= (2, 0, 0)
    html = client.get("/faq/").content.decode()
    assert html.index("civico/bootstrap-italia-usato.css") < html.index("civico/civico.css")


# --- C.SI.2.5: the page-feedback component as the model has it ---------------------------------

DOMANDA = "Quanto sono chiare le informazioni su questa pagina?"
POSITIVE = ["Le indicazioni erano chiare", "Le indicazioni erano complete",
            "Capivo sempre che stavo procedendo correttamente", "Non ho avuto problemi tecnici", "Altro"]
NEGATIVE = ["A volte le indicazioni non erano chiare", "A volte le indicazioni non erano complete",
            "A volte non capivo se stavo procedendo correttamente", "Ho avuto problemi tecnici", "Altro"]


@pytest.mark.parametrize("url", ["/", "/alessandria/", "/faq/", "/servizi/alessandria/segnalazione-disservizio/"])
def test_the_feedback_component_has_the_models_question_scale_follow_ups_and_free_text(client, alessandria, url):
    componente = pagina(client, url).uno("feedback")
    assert componente.uno("feedback-title").parole.lower() == DOMANDA.lower()
    for n in range(1, 6):
        assert componente.tutti(f"feedback-rate-{n}"), n
    for lato, domanda, risposte in [("positive", "Quali sono stati gli aspetti che hai preferito?", POSITIVE),
                                    ("negative", "Dove hai incontrato le maggiori difficoltà?", NEGATIVE)]:
        seguito = componente.uno(f"feedback-rating-{lato}")
        assert seguito.uno("feedback-rating-question").parole.lower() == domanda.lower()
        assert [r.parole for r in seguito.tutti("feedback-rating-answer")] == risposte
    assert componente.uno("feedback-input-text").tag == "textarea"


def test_the_feedback_component_speaks_english_on_the_english_site(client, alessandria):
    componente = pagina(client, "/faq/", HTTP_ACCEPT_LANGUAGE="en").uno("feedback")
    assert componente.uno("feedback-title").parole == "How clear is the information on this page?"
    assert componente.uno("feedback-rating-negative").tutti("feedback-rating-answer")[3].parole == \
        "I had technical problems"


def test_a_rating_keeps_the_follow_up_answer_and_the_text_masked_and_the_staff_see_them(client, alessandria):
    testo = "Non trovavo i tempi: chiamatemi al 347 123 4567 o scrivete a mario.rossi@example.com"
    r = client.post("/valutazione/", {"pagina": "/faq/", "voto": "2", "aspetto": "incomplete", "dettaglio": testo},
                    follow=True)
    assert "Grazie" in r.content.decode()
    v = ValutazionePagina.objects.get()
    assert (v.pagina, v.voto, v.aspetto) == ("/faq/", 2, "incomplete")
    assert v.dettaglio.startswith("Non trovavo i tempi: chiamatemi al ")
    assert "4567" not in v.dettaglio and "mario.rossi" not in v.dettaglio
    # Nothing about who rated: still no user, session or address among the fields.
    assert [f.name for f in ValutazionePagina._meta.get_fields()] == [
        "id", "pagina", "voto", "aspetto", "dettaglio", "creata_il"]

    entra_verificato(client, factories.staff("piattaforma", Ruolo.PLATFORM_ADMIN, None))
    elenco = client.get("/admin/portale/valutazionepagina/").content.decode()
    assert "A volte le indicazioni non erano complete" in elenco and "Non trovavo i tempi" in elenco


@pytest.mark.parametrize(("aspetto", "dettaglio", "aspetto_salvato", "dettaglio_salvato"), [
    ("", "", "", ""),
    ("inventato", "ok", "", "ok"),                       # not one of the model's answers: dropped
    ("altro-positivo", "  a capo\n\ne  spazi ", "altro-positivo", "a capo e spazi"),
    ("chiare", "x" * 500, "chiare", "x" * 200),          # cut to the field's length, not refused
    ("chiare", "CF RSSMRA80A01H501U nel testo", "chiare", None),
])
def test_the_follow_up_and_free_text_are_cleaned_never_refused(client, db, aspetto, dettaglio, aspetto_salvato,
                                                                dettaglio_salvato):
    r = client.post("/valutazione/", {"pagina": "/faq/", "voto": "5", "aspetto": aspetto, "dettaglio": dettaglio})
    assert r.status_code == 302
    v = ValutazionePagina.objects.get()
    assert v.aspetto == aspetto_salvato
    if dettaglio_salvato is None:
        assert "RSSMRA80A01H501U" not in v.dettaglio and v.dettaglio.startswith("CF ")
    else:
        assert v.dettaglio == dettaglio_salvato


# --- C.SI.3.4: licence and attribution -----------------------------------------------------------

DICITURA = (
    "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto legislativo 7 marzo 2005, "
    "n. 82 (CAD) e salvo dove diversamente specificato (compresi i contenuti incorporati di terzi), i dati, i "
    "documenti e le informazioni pubblicati sul sito sono rilasciati con licenza CC-BY 4.0. Gli utenti sono quindi "
    "liberi di condividere (riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), rappresentare, "
    "eseguire e recitare questo materiale con qualsiasi mezzo e formato e modificare (trasformare il materiale e "
    "utilizzarlo per opere derivate) per qualsiasi fine, anche commerciale con il solo onere di attribuzione, "
    "senza apporre restrizioni aggiuntive."
)


def test_the_legal_notes_carry_the_models_licence_heading_and_wording(client, alessandria):
    piede = pagina(client, "/alessandria/").tutti(tag="footer")[0]
    assert piede.uno("legal-notes").attributi["href"] == "/note-legali/"
    note = pagina(client, "/note-legali/")
    sezione = note.tutti("legal-notes-section")
    assert len(sezione) == 1 and sezione[0].tag == "h2"
    assert sezione[0].parole.lower() == "licenza dei contenuti"
    corpo = " ".join(e.testo for e in note.tutti("legal-notes-body"))
    assert " ".join(corpo.split()).lower().replace("'", "’") == DICITURA.lower()
    link = [a for a in note.uno("legal-notes-body").tutti(tag="a")]
    assert link[0].attributi["href"] == "https://creativecommons.org/licenses/by/4.0/legalcode.it"


# --- C.SI.3.2: the accessibility declaration of each comune --------------------------------------

def test_the_footer_links_the_comunes_own_accessibility_declaration_else_the_platforms(client, alessandria, casale):
    Ente.objects.filter(pk=alessandria.pk).update(
        url_dichiarazione_accessibilita="https://form.agid.gov.it/view/alessandria-civico")
    for url, atteso in [("/alessandria/", "https://form.agid.gov.it/view/alessandria-civico"),
                        ("/alessandria/segnalazioni/", "https://form.agid.gov.it/view/alessandria-civico"),
                        ("/servizi/alessandria/segnalazione-disservizio/",
                         "https://form.agid.gov.it/view/alessandria-civico"),
                        ("/casale-monferrato/", "https://form.agid.gov.it/"),
                        ("/faq/", "https://form.agid.gov.it/")]:
        piede = pagina(client, url).tutti(tag="footer")[0]
        assert piede.uno("accessibility-link").attributi["href"] == atteso, url


# --- C.SI.1.3 / C.SI.2.2: the service page ("scheda servizio") -----------------------------------

INDICE = ["A chi è rivolto", "Come fare", "Cosa serve", "Cosa si ottiene", "Tempi e scadenze", "Quanto costa",
          "Accedi al servizio", "Condizioni di servizio", "Contatti"]


def test_the_service_page_has_the_models_sections_in_order_with_content(client, alessandria):
    Ente.objects.filter(pk=alessandria.pk).update(telefono="0131 515111", email="urp@comune.alessandria.it")
    scheda = pagina(client, "/servizi/alessandria/segnalazione-disservizio/")
    assert scheda.uno("service-title").parole == "Segnalazione di un disservizio"
    assert scheda.uno("service-status").parole == "Servizio attivo"
    assert len(scheda.uno("service-description").parole) >= 3
    indice = scheda.uno("page-index")
    assert [a.parole for a in indice.tutti(tag="a")] == INDICE
    for elemento in ("service-addressed", "service-how-to", "service-needed", "service-achieved",
                     "service-calendar-text"):
        assert len(scheda.uno(elemento).tutti(tag="p")[0].parole) >= 3, elemento
    assert scheda.uno("service-generic-access").attributi["href"] == "/segnala/?ente=alessandria"
    assert scheda.uno("service-file").attributi["href"] == "/note-legali/"
    contatti = scheda.uno("service-area").parole
    assert "Comune di Alessandria" in contatti and "0131 515111" in contatti and "urp@comune.alessandria.it" in contatti
    briciole = [li.parole for li in scheda.uno("breadcrumb").tutti(tag="li")]
    assert briciole[-2:] == ["Servizi/", "Segnalazione di un disservizio"]
    assert "Il servizio è gratuito." in scheda.testo


def test_the_service_page_lists_each_categorys_response_time(client, alessandria):
    from civico.catalogo.models import Categoria

    buche = Categoria.objects.get(ente=alessandria, codice="buche")
    Categoria.objects.filter(pk=buche.pk).update(giorni_risposta=5, giorni_lavorativi=True)
    righe = {r.tutti(tag="th")[0].parole: r.tutti(tag="td")[0].parole
             for r in pagina(client, "/servizi/alessandria/segnalazione-disservizio/").tutti(tag="tr")[1:]}
    assert righe[buche.nome] == "5 giorni lavorativi"
    inglese = pagina(client, "/servizi/alessandria/segnalazione-disservizio/", HTTP_ACCEPT_LANGUAGE="en")
    assert inglese.uno("service-title").parole == "Reporting a problem"
    assert [a.parole for a in inglese.uno("page-index").tutti(tag="a")][0] == "Who can use it"


def test_the_comunes_home_links_its_service_page_and_an_inactive_comune_has_none(client, alessandria, db):
    home = pagina(client, "/alessandria/")
    link = [a for a in home.tutti(tag="a") if a.attributi.get("data-testid") == "scheda-servizio"]
    assert link[0].attributi["href"] == "/servizi/alessandria/segnalazione-disservizio/"
    r = client.get("/servizi/valenza/segnalazione-disservizio/")
    assert r.status_code == 404 and "Valenza" in r.content.decode()
    assert client.get("/servizi/non-esiste/segnalazione-disservizio/").status_code == 404
