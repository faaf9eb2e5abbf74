"""The demo comuni's catalogues: plausible offices and categories.

Alessandria's category names are the real ones of its 2023–2024 Municipium export.
"""

from __future__ import annotations

# Patron saints' days (a holiday for the SLA clocks in working days): (day, month).
# Only Alessandria's (San Baudolino, 10 November) is set here; the others are left to their admins.
SANTI_PATRONI = {"AL": (10, 11)}

ENTI_ATTIVI = [
    # (ISTAT code, sigla of the tracking codes, e-mail, phone, website)
    ("006003", "AL", "urp@comune.alessandria.it", "0131 515111", "https://www.comune.alessandria.it"),
    ("006039", "CM", "urp@comune.casale-monferrato.al.it", "0142 444111", "https://www.comune.casale-monferrato.al.it"),
    ("006114", "NL", "urp@comune.noviligure.al.it", "0143 772111", "https://www.comune.noviligure.al.it"),
]

STRADE = "Lavori pubblici – strade"
VERDE = "Verde pubblico"
MOBILITA = "Mobilità e segnaletica"
LUCE = "Illuminazione pubblica e impianti"
AMBIENTE = "Ambiente e igiene urbana"
CIMITERI = "Servizi cimiteriali"
SOCIALE = "Politiche sociali e accessibilità"
URP = "URP – Relazioni con il pubblico"
GESTORI = "Rapporti con i gestori dei servizi"
VERDE_SOBBORGHI = "Verde pubblico – sobborghi della Fraschetta"

UFFICI = {
    STRADE: ("lavori.pubblici@{dominio}", "Lun–Ven 8:30–12:30"),
    VERDE: ("verde@{dominio}", "Lun–Ven 8:30–12:30"),
    MOBILITA: ("mobilita@{dominio}", "Lun–Ven 9:00–12:00"),
    LUCE: ("impianti@{dominio}", "Lun–Ven 8:30–12:30"),
    AMBIENTE: ("ambiente@{dominio}", "Lun, Mer, Ven 9:00–12:00"),
    CIMITERI: ("cimiteri@{dominio}", "Lun–Sab 8:00–12:00"),
    SOCIALE: ("sociale@{dominio}", "Mar e Gio 9:00–12:00, 14:30–16:30"),
    URP: ("urp@{dominio}", "Lun–Ven 8:30–13:00, Gio anche 14:30–16:30"),
    GESTORI: ("servizi@{dominio}", "Lun–Ven 9:00–12:00"),
}

SI_NO = [{"key": "si", "name": "Sì"}, {"key": "no", "name": "No"}]

# (code, name, group, office, days, photo required, keywords, questions, titles)
CATEGORIE = [
    ("buche", "Buche", "Strade e mobilità", STRADE, 30, False,
     ["buca", "asfalto", "voragine", "dissesto", "marciapiede"],
     [("dimensione", "Quanto è grande la buca?", "singlevaluelist", True,
       [{"key": "piccola", "name": "Piccola (meno di 30 cm)"}, {"key": "media", "name": "Media"},
        {"key": "grande", "name": "Grande (più di 1 m)"}]),
      ("pericolo", "È un pericolo immediato per chi passa?", "singlevaluelist", False, SI_NO)],
     ["Buca profonda sulla carreggiata", "Asfalto sprofondato vicino al passaggio pedonale",
      "Buche in serie dopo la pioggia", "Marciapiede dissestato"]),
    ("verde-pubblico", "Verde pubblico", "Verde e ambiente", VERDE, 30, False,
     ["albero", "rami", "erba", "siepe", "potatura", "foglie"],
     [("problema", "Di che problema si tratta?", "multivaluelist", True,
       [{"key": "albero-caduto", "name": "Albero caduto"}, {"key": "rami", "name": "Rami pericolanti"},
        {"key": "erba-alta", "name": "Erba alta"}, {"key": "siepe", "name": "Siepe invadente"}])],
     ["Ramo spezzato che pende sul marciapiede", "Erba molto alta nell'aiuola",
      "Albero caduto dopo il temporale", "Siepe che copre il cartello stradale"]),
    ("semafori-segnaletica", "Semafori e segnaletica stradale", "Strade e mobilità", MOBILITA, 30, False,
     ["semaforo", "cartello", "segnaletica", "strisce", "stop"],
     [("tipo", "Che cosa non va?", "singlevaluelist", True,
       [{"key": "semaforo", "name": "Semaforo guasto"}, {"key": "cartello", "name": "Cartello danneggiato"},
        {"key": "strisce", "name": "Strisce sbiadite"}])],
     ["Semaforo lampeggiante da ieri", "Cartello di stop piegato", "Strisce pedonali non più visibili"]),
    ("tombini", "Tombini", "Strade e mobilità", STRADE, 30, False,
     ["tombino", "caditoia", "grata", "allagamento"], [],
     ["Tombino intasato, la strada si allaga", "Grata della caditoia rotta",
      "Tombino rumoroso al passaggio delle auto"]),
    ("illuminazione-pubblica", "Illuminazione pubblica", "Illuminazione", LUCE, 15, False,
     ["lampione", "luce", "illuminazione", "buio", "spento"],
     [("lampioni-spenti", "Quanti lampioni sono spenti?", "number", True, []),
      ("guasto", "Il guasto è", "singlevaluelist", False,
       [{"key": "spento", "name": "Spento"}, {"key": "intermittente", "name": "Intermittente"},
        {"key": "danneggiato", "name": "Palo danneggiato"}])],
     ["Lampioni spenti in tutta la via", "Lampione che si accende e spegne", "Palo della luce inclinato"]),
    ("arredo-urbano", "Arredo urbano", "Strade e mobilità", STRADE, 30, False,
     ["panchina", "cestino", "fontanella", "fioriera", "rastrelliera"], [],
     ["Panchina rotta nel viale", "Cestino divelto", "Fontanella che perde acqua"]),
    ("parchi-gioco-aree-cani", "Parchi gioco e aree cani", "Verde e ambiente", VERDE, 30, False,
     ["giochi", "altalena", "scivolo", "area cani", "parco"], [],
     ["Altalena rotta nel parco giochi", "Cancello dell'area cani che non si chiude",
      "Scivolo con una scheggia pericolosa"]),
    ("disinfestazione", "Disinfestazione (topi, blatte, vespe, piccioni)", "Verde e ambiente", AMBIENTE, 15, False,
     ["topi", "ratti", "blatte", "vespe", "piccioni", "zanzare", "nido"], [],
     ["Topi vicino ai cassonetti", "Nido di vespe sul lampione", "Piccioni che nidificano sotto il portico"]),
    ("idee-proposte", "Idee e proposte", "Partecipazione", URP, 60, False,
     ["proposta", "idea", "suggerimento"], [],
     ["Proposta: una rastrelliera per bici davanti alla biblioteca", "Idea per più panchine all'ombra"]),
    ("cimiteri", "Cimiteri", "Servizi", CIMITERI, 30, False, ["cimitero", "tomba", "loculo"], [],
     ["Fontanella del cimitero guasta", "Vialetto del cimitero sconnesso"]),
    ("accessibilita", "Accessibilità ed inclusione delle persone con disabilità", "Servizi", SOCIALE, 30, False,
     ["barriera", "scivolo", "disabili", "carrozzina", "accessibilita"], [],
     ["Scivolo del marciapiede bloccato da un palo", "Parcheggio disabili senza segnaletica"]),
    ("tutela-animali", "Tutela animali", "Verde e ambiente", AMBIENTE, 15, False,
     ["cane", "gatto", "animale", "randagio", "colonia felina"], [],
     ["Cane randagio nel parco", "Colonia felina da segnalare"]),
    ("acquedotto-fognature", "Acquedotto e fognature", "Servizi", GESTORI, 15, False,
     ["acqua", "perdita", "fogna", "fognatura", "tubo"], [],
     ["Perdita d'acqua dal marciapiede", "Odore di fognatura in strada"]),
    ("altro", "Altro", "Altro", URP, 30, False, [], [],
     ["Segnalazione generica", "Problema non in elenco"]),
]

# English for the English site: category → (name, group), and question → (text, {key: name}).
INGLESE_GRUPPI = {
    "Strade e mobilità": "Roads and mobility", "Verde e ambiente": "Green spaces and environment",
    "Illuminazione": "Street lighting", "Partecipazione": "Participation", "Servizi": "Services", "Altro": "Other",
}
INGLESE_CATEGORIE = {
    "buche": "Potholes", "verde-pubblico": "Public green spaces",
    "semafori-segnaletica": "Traffic lights and road signs",
    "tombini": "Drains and manholes", "illuminazione-pubblica": "Street lighting", "arredo-urbano": "Street furniture",
    "parchi-gioco-aree-cani": "Playgrounds and dog areas",
    "disinfestazione": "Pest control (rats, cockroaches, wasps, pigeons)", "idee-proposte": "Ideas and proposals",
    "cimiteri": "Cemeteries", "accessibilita": "Accessibility and inclusion of people with disabilities",
    "tutela-animali": "Animal welfare", "acquedotto-fognature": "Water supply and sewers", "altro": "Other",
}
SI_NO_EN = {"si": "Yes", "no": "No"}
INGLESE_DOMANDE = {
    ("buche", "dimensione"): ("How big is the pothole?",
                              {"piccola": "Small (under 30 cm)", "media": "Medium", "grande": "Large (over 1 m)"}),
    ("buche", "pericolo"): ("Is it an immediate danger to passers-by?", SI_NO_EN),
    ("verde-pubblico", "problema"): ("What is the problem?", {
        "albero-caduto": "Fallen tree", "rami": "Dangerous branches", "erba-alta": "Tall grass",
        "siepe": "Overgrown hedge"}),
    ("semafori-segnaletica", "tipo"): ("What is wrong?", {
        "semaforo": "Broken traffic light", "cartello": "Damaged sign", "strisce": "Faded road markings"}),
    ("illuminazione-pubblica", "lampioni-spenti"): ("How many street lights are out?", {}),
    ("illuminazione-pubblica", "guasto"): ("The fault is", {
        "spento": "Off", "intermittente": "Flickering", "danneggiato": "Damaged pole"}),
}

# The smaller comuni get the most common categories only.
CATEGORIE_COMUNI_MINORI = {"buche", "verde-pubblico", "illuminazione-pubblica", "tombini", "arredo-urbano", "altro"}

# Real state mix and resolution times of Alessandria's 2023–2024 reports, for the demo history.
QUOTA_STATI = {"chiusa": 0.62, "aperta": 0.27, "in carico": 0.045, "annullata": 0.065}
