"""The art. 13 notice and the art. 30 register entry, generated from an ente's settings.

One source for both: what the platform does (fixed) and how this ente configured it
(retention, photo review, SPID/CIE, its contacts and DPO). Change a setting and both documents
follow; nobody maintains a Word file that drifts from the software.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civico.accounts.models import ProviderIdentita
from civico.enti.models import Ente


@dataclass(frozen=True)
class Voce:
    titolo: str
    testo: list[str]


def _contatti(ente: Ente) -> str:
    parti = [p for p in (ente.indirizzo, ente.pec and f"PEC {ente.pec}", ente.email, ente.telefono) if p]
    return ", ".join(parti) if parti else _("i recapiti indicati sul sito istituzionale del comune")


def _rpd(ente: Ente) -> str:
    if ente.rpd_nome or ente.rpd_email:
        return ", ".join(p for p in (ente.rpd_nome, ente.rpd_email) if p)
    return _("i recapiti pubblicati sul sito istituzionale del comune (sezione privacy)")


def _conservazione(ente: Ente) -> str:
    mesi = ente.conservazione_contatti_mesi
    if mesi is None:
        return _("Il nome e i recapiti del segnalante sono conservati finché la segnalazione è gestita e, dopo "
                 "la chiusura, fino alla tua richiesta di cancellazione o secondo il piano di conservazione del "
                 "comune.")
    return ngettext(
        "Il nome e i recapiti del segnalante sono anonimizzati automaticamente %(mesi)d mese dopo la chiusura "
        "della segnalazione.",
        "Il nome e i recapiti del segnalante sono anonimizzati automaticamente %(mesi)d mesi dopo la chiusura "
        "della segnalazione.",
        mesi,
    ) % {"mesi": mesi}


def _foto(ente: Ente) -> list[str]:
    testi = [_("Dalle foto eliminiamo i metadati (posizione GPS, modello del telefono) prima di conservarle. "
               "Il personale può oscurare volti e targhe prima della pubblicazione.")]
    if ente.foto_in_revisione:
        testi.append(_("Le foto restano riservate finché il personale del comune non le ha controllate."))
    testi.append(
        _("Quando una foto viene oscurata, l'originale è conservato in forma riservata, visibile solo agli uffici.")
        if ente.conserva_originali_foto
        else _("Quando una foto viene oscurata, l'originale è distrutto.")
    )
    return testi


def _identita_digitale(ente: Ente) -> list[str]:
    tipi = ProviderIdentita.objects.filter(attivo=True, relying_party__attivo=True).filter(
        Q(relying_party__ente=ente) | Q(relying_party__ente__isnull=True)
    )
    if not tipi.exists():
        return []
    return [_("Se accedi con SPID o con la Carta d'identità elettronica (CIE), il gestore dell'identità ci "
              "comunica nome, cognome, codice fiscale ed e-mail: li usiamo solo per riconoscerti e per "
              "compilare le tue segnalazioni, e non compaiono mai nelle pagine pubbliche.")]


def informativa(ente: Ente) -> list[Voce]:
    """The notice to the data subject (art. 13 GDPR) for reports sent to this ente."""
    responsabile = ente.gestore_piattaforma or _("il gestore della piattaforma Civico")
    return [
        Voce(_("Titolare del trattamento"), [
            _("Il titolare è il Comune di %(nome)s (%(contatti)s).") % {"nome": ente.nome, "contatti": _contatti(ente)},
            _("Responsabile della protezione dei dati (RPD): %(rpd)s.") % {"rpd": _rpd(ente)},
            _("%(resp)s tratta i dati per conto del comune come responsabile del trattamento (art. 28 GDPR).")
            % {"resp": responsabile},
        ]),
        Voce(_("Quali dati trattiamo"), [
            _("Il contenuto della segnalazione: categoria, titolo, descrizione, luogo, risposte alle domande e "
              "allegati."),
            _("I tuoi recapiti, se li indichi o se la categoria li richiede: nome, e-mail, telefono."),
            *_identita_digitale(ente),
            _("Dati tecnici necessari alla sicurezza del servizio, come l'indirizzo IP nei registri del server."),
        ]),
        Voce(_("Finalità e base giuridica"), [
            _("Ricevere la segnalazione, assegnarla all'ufficio competente, risolvere il problema e tenerti "
              "informato. Il trattamento è necessario per un compito di interesse pubblico del comune (art. 6, "
              "par. 1, lett. e, GDPR)."),
        ]),
        Voce(_("Che cosa è pubblico"), [
            _("Titolo, descrizione, categoria, luogo, foto e cronologia della segnalazione sono pubblici per "
              "trasparenza. Il tuo nome e i tuoi recapiti non compaiono mai in pagine, mappe, feed, API o dati "
              "aperti."),
            *_foto(ente),
        ]),
        Voce(_("Destinatari"), [
            _("Il personale autorizzato degli uffici del comune e, quando serve per intervenire, le ditte "
              "incaricate, nominate responsabili del trattamento. Nessun trasferimento fuori dall'Unione "
              "europea, nessuna profilazione o decisione automatizzata."),
        ]),
        Voce(_("Conservazione"), [
            _conservazione(ente),
            _("La segnalazione, senza i tuoi dati, resta come documentazione dell'attività del comune."),
        ]),
        Voce(_("I tuoi diritti"), [
            _("Dall'area personale puoi scaricare una copia dei tuoi dati e cancellare il tuo account (artt. 15, "
              "17 e 20 GDPR). Per gli altri diritti (rettifica, limitazione, opposizione) scrivi al comune o al "
              "suo RPD. Puoi proporre reclamo al Garante per la protezione dei dati personali."),
        ]),
    ]


def registro(ente: Ente) -> list[tuple[str, str]]:
    """The entry of the register of processing activities (art. 30.1 GDPR), as label–value rows."""
    return [
        (_("Trattamento"), _("Gestione delle segnalazioni di disservizi urbani (Civico)")),
        (_("Titolare"), f"{_('Comune di')} {ente.nome} — {_contatti(ente)}"),
        (_("Responsabile della protezione dei dati"), _rpd(ente)),
        (_("Responsabile del trattamento (art. 28)"),
         ente.gestore_piattaforma or _("gestore della piattaforma Civico")),
        (_("Finalità"), _("Ricezione, smistamento e risoluzione delle segnalazioni; informazione ai segnalanti; "
                          "trasparenza sull'attività del comune; statistiche anonime.")),
        (_("Base giuridica"), _("Art. 6, par. 1, lett. e, GDPR (compito di interesse pubblico)")),
        (_("Categorie di interessati"), _("Cittadini e altre persone che inviano o seguono segnalazioni; "
                                          "personale del comune")),
        (_("Categorie di dati"), _("Dati anagrafici e di contatto (nome, e-mail, telefono; codice fiscale con "
                                   "SPID/CIE); contenuto e luogo delle segnalazioni; foto; dati tecnici (IP)")),
        (_("Destinatari"), _("Uffici del comune; ditte incaricate degli interventi (responsabili del trattamento)")),
        (_("Trasferimenti verso paesi terzi"), _("Nessuno")),
        (_("Termini di cancellazione"), _conservazione(ente)),
        (_("Foto"), " ".join(_foto(ente))),
        (_("Misure di sicurezza (art. 32)"), _(
            "Recapiti visibili solo ai ruoli che gestiscono la segnalazione; accesso del personale con password e "
            "secondo fattore (TOTP); cittadini con SPID/CIE o link monouso; cifratura in transito (HTTPS/HSTS); "
            "metadati rimossi dalle foto; registro degli eventi non modificabile; anonimizzazione automatica; "
            "copie di sicurezza.")),
    ]
