"""The curated words of each national kind of problem, in Italian and English.

Data, not code: synonyms, colloquial and regional words, common misspellings. A phrase is matched
after stemming (so "lampioni" finds "lampione"), and the day-one linear model is trained on texts
built from these words. Curated from general knowledge of how citizens write, never from the
held-out part of the development set (see docs/benchmarks.md, "Triage").

`INGANNEVOLI` are phrases whose words would point to the wrong kind ("buca delle lettere" is not a
pothole): the longest phrase wins, so they consume those words before the kind's vocabulary does.
"""

from __future__ import annotations

# kind → {"it": [...], "en": [...]}
VOCABOLARIO: dict[str, dict[str, list[str]]] = {
    "buche": {
        "it": [
            "buca", "buche", "buco nell'asfalto", "buco in strada", "buchi", "bucca", "buke", "voragine",
            "cratere", "crateri", "avvallamento", "avvallamenti", "asfalto rotto", "asfalto", "asfaltatura",
            "asfalto sollevato", "asfalto sprofondato", "asfalto crepato", "manto stradale", "sede stradale",
            "fondo stradale", "carreggiata dissestata", "strada dissestata", "strada rovinata",
            "strada sconnessa", "dissesto", "dissestato", "sconnesso", "sconnessa", "sprofondamento",
            "cedimento", "ha ceduto", "crepa", "crepe", "fessura", "fessure", "rattoppo", "rattoppi",
            "rappezzo", "colabrodo", "marciapiede rotto", "marciapiede dissestato", "marciapiede sconnesso",
            "marciapiede spaccato", "mattonelle del marciapiede", "mattonelle rotte", "piastrelle rotte",
            "sanpietrini", "sampietrini", "sanpietrino", "porfido", "cubetti", "pavimentazione stradale",
            "pavimentazione rotta", "ghiaia", "sterrato", "strada bianca", "inciampata", "inciampato",
            "pericolo per le bici", "gradino rotto", "cordolo rotto", "cordolo",
            "sbriciolato", "asfalto che si sbriciola", "brecciolino", "ghiaino", "lastricato", "basolato",
            "basoli", "selciato", "acciottolato", "ciottoli", "autobloccanti", "cedimento della strada",
            "sconnessioni", "banchina", "buca sul marciapiede", "buca in strada", "buche in strada",
            "buca profonda", "buche profonde", "strada piena di buche", "strada groviera", "groviera",
            "rotaie", "binari del tram", "cunetta", "asfalto gonfio", "asfalto deformato",
            "strada da asfaltare", "riasfaltare",
        ],
        "en": [
            "pothole", "potholes", "pot hole", "hole in the road", "hole in the street", "road surface",
            "asphalt", "tarmac", "cracked road", "broken road", "road damage", "sinkhole", "uneven pavement",
            "broken pavement", "cracked pavement", "damaged road", "crater", "cobblestones",
            "pot holes", "sidewalk", "cracked sidewalk", "broken sidewalk", "uneven road", "road repair",
            "cracks",
        ],
    },
    "illuminazione": {
        "it": [
            "lampione", "lampioni", "lampion", "lampone spento", "lampioni spenti", "lampione spento",
            "lampione rotto", "palo della luce", "pali della luce", "palo luce", "luce spenta", "luci spente",
            "luce rotta", "luci rotte", "illuminazione", "illuminazione pubblica", "impianto di illuminazione",
            "illuminazione insufficiente", "buio", "al buio", "buio pesto", "non si vede niente di sera",
            "lampada", "lampadina", "lampade", "lampadina fulminata", "fulminata", "fulminato", "faro",
            "fari", "plafoniera", "intermittente", "intermittenza", "lampeggia", "si accende e si spegne",
            "acceso di giorno", "luce debole", "senza luce", "mancano le luci", "non si accende",
            "non si accendono", "cavi scoperti", "fili elettrici", "lanterna", "spento", "spenti", "luci",
            "luce",
            "lampioncino", "corpo illuminante", "armatura stradale", "proiettore", "led", "neon",
            "lampione abbattuto", "oscurita", "scuro", "semibuio", "poca luce", "luminosita",
            "lampione danneggiato", "lampione pendente", "lampione piegato", "illuminazione spenta",
            "quadro elettrico",
        ],
        "en": [
            "street light", "street lights", "streetlight", "streetlights", "street lamp", "lamp post",
            "lamppost", "light out", "lights out", "no lights", "no light", "dark at night", "lighting",
            "bulb", "light not working", "flickering light", "light", "lights", "dark",
            "streetlight out", "lamp flickering", "light flickering", "lamp out", "lighting fault", "unlit",
        ],
    },
    "verde": {
        "it": [
            "albero", "alberi", "albero caduto", "albero secco", "albero pericolante", "pianta", "piante",
            "ramo", "rami", "ramo spezzato", "ramo pericolante", "rami secchi", "fronde", "chioma", "tronco",
            "radici", "ceppaia", "erba", "erba alta", "erbacce", "erbaccia", "sterpaglie", "sterpi", "rovi",
            "arbusti", "cespugli", "siepe", "siepi", "potatura", "potare", "potati", "sfalcio", "tagliare l'erba",
            "taglio dell'erba", "falciare", "aiuola", "aiuole", "prato", "giardino pubblico", "giardini pubblici",
            "giardinetti", "verde pubblico", "manutenzione del verde", "foglie", "foglie secche", "fogliame",
            "incolto", "incolti", "pini", "pino", "platano", "tiglio", "pioppo", "verde", "parco trascurato",
            "vegetazione", "erba altisima", "erba altissima",
            "decespugliamento", "erba infestante", "ailanto", "edera", "canne", "canneto", "ramaglie",
            "potature", "alberature", "filare", "ippocastano", "quercia", "cedro", "magnolia", "palma",
            "giardino", "parco pubblico", "villa comunale", "aiuole spartitraffico", "tronco marcio",
            "albero inclinato", "rami bassi", "vegetazione incolta", "manutenzione del parco", "pacciamatura",
            "sfalci", "tosaerba",
        ],
        "en": [
            "tree", "trees", "fallen tree", "branch", "branches", "grass", "overgrown", "weeds", "hedge",
            "pruning", "prune", "mowing", "lawn", "bushes", "leaves", "flower bed", "green area", "roots",
            "tree branch", "fallen branch", "overgrown hedge", "dead tree", "park maintenance", "shrubs",
            "vegetation",
        ],
    },
    "segnaletica": {
        "it": [
            "semaforo", "semafori", "semafaro", "semaforo guasto", "semaforo spento", "semaforo lampeggiante",
            "semaforo rotto", "verde pedonale", "chiamata pedonale", "pulsante del semaforo", "cartello",
            "cartelli", "cartellone stradale", "cartello stradale", "segnale stradale", "segnaletica",
            "segnaletica orizzontale", "segnaletica verticale", "strisce", "strisce pedonali",
            "strisce sbiadite", "attraversamento pedonale", "passaggio pedonale", "zebre", "stop",
            "dare precedenza", "precedenza", "senso unico", "divieto di sosta", "divieto", "limite di velocita",
            "specchio parabolico", "specchio stradale", "indicazioni stradali", "cartello di direzione",
            "cartello piegato", "cartello caduto", "segnale divelto", "rosso", "giallo lampeggiante",
            "incrocio pericoloso", "dosso", "dossi", "rallentatore",
            "cartellonistica", "palo del cartello", "segnale di pericolo", "segnale stradale abbattuto",
            "lanterna semaforica", "semaforo pedonale", "catarifrangenti", "delineatori", "pannello luminoso",
            "varco ztl", "ztl", "segnaletica sbiadita", "linee di mezzeria", "cartello girato",
            "cartello storto", "cartello mancante", "strisce da rifare", "segnale",
        ],
        "en": [
            "traffic light", "traffic lights", "road sign", "sign", "signs", "stop sign", "give way",
            "zebra crossing", "pedestrian crossing", "road markings", "signage", "speed limit",
            "traffic signal", "stop light", "crosswalk", "faded markings", "missing sign", "bent sign",
            "road marking",
        ],
    },
    "tombini": {
        "it": [
            "tombino", "tombini", "tombin", "tumbin", "chiusino", "chiusini", "caditoia", "caditoie", "grata",
            "grate", "griglia", "griglie", "pozzetto", "pozzetti", "bocca di lupo", "scolo", "scarico acqua piovana",
            "acqua piovana", "si allaga", "allagamento", "allagata quando piove", "allaga", "allagamenti",
            "intasato", "intasata", "otturato", "ostruita", "tappato", "tappati", "coperchio del tombino",
            "tombino rumoroso", "tombino sollevato", "tombino che balla", "pozza", "pozzanghera",
            "acqua stagnante", "ristagno", "non scarica", "caditoie piene", "stopa", "tombino rotto",
            "tombino intasato", "caditoia intasata", "scarico stradale", "canaletta", "canale di scolo",
            "fosso intasato", "l'acqua non defluisce", "non defluisce", "ristagno d'acqua", "chiusino rotto",
            "grata divelta", "tombino divelto", "tombino sprofondato", "tombino aperto",
        ],
        "en": [
            "drain", "drains", "storm drain", "blocked drain", "manhole", "manhole cover", "gully", "grate",
            "floods when it rains", "flooding", "puddle",
            "clogged drain", "blocked gully", "storm water", "drain cover", "gutter",
        ],
    },
    "arredo": {
        "it": [
            "panchina", "panchine", "pankina", "panca", "schienale", "cestino", "cestini", "cestino dei rifiuti",
            "fontanella", "fontanelle", "fontana", "fioriera", "fioriere", "rastrelliera", "rastrelliere",
            "portabici", "pensilina", "pensiline", "fermata dell'autobus", "dissuasore", "dissuasori",
            "paletto", "paletti", "transenna", "transenne", "ringhiera", "ringhiere", "parapetto",
            "bacheca", "bacheche", "tavolo", "tavoli", "arredo urbano", "arredi", "colonnina", "fontanino",
            "dovario", "nasone", "toretto", "recinzione", "cancello", "staccionata", "orologio pubblico",
            "seduta", "sedute", "gazebo", "pergolato", "fontane", "portarifiuti", "posacenere", "colonnine",
            "archetti", "barriere parapedonali", "fittoni", "panchine divelte", "panchina divelta",
            "panchina danneggiata", "arredi urbani", "fioriere rotte", "monumento", "statua",
            "targa commemorativa", "orologio",
        ],
        "en": [
            "bench", "benches", "bin", "litter bin", "drinking fountain", "fountain", "bike rack", "bus shelter",
            "bollard", "bollards", "railing", "railings", "planter", "street furniture", "noticeboard",
            "broken bench", "seat", "seats", "picnic table", "public clock", "statue",
        ],
    },
    "giochi": {
        "it": [
            "parco giochi", "parchi gioco", "area giochi", "giochi", "giochi per bambini", "gioco", "giostrina",
            "giostre", "altalena", "altalene", "scivolo dei bambini", "scivolo del parco", "dondolo",
            "castello", "bambini", "pavimentazione antitrauma", "antitrauma", "tappeto antitrauma",
            "area cani", "aree cani", "sgambatoio", "area sgambamento", "area sgambamento cani",
            "recinto cani", "parchetto", "area ludica", "area gioco", "sabbiera", "cavallino a molla",
            "gioco a molla", "molla", "bambini si fanno male", "giochi rotti",
            "giochi danneggiati", "ponte tibetano", "teleferica", "trampolino", "arrampicata", "casetta",
            "giochi pericolosi", "area fitness", "attrezzi ginnici", "campetto", "canestro",
            "porta da calcio", "skatepark", "altalena rotta", "giochi bambini", "area cani sporca",
            "cancello area cani",
        ],
        "en": [
            "playground", "playgrounds", "swing", "swings", "slide", "seesaw", "climbing frame",
            "dog park", "dog area", "dog run", "children's play area", "play area",
            "playground equipment", "play equipment", "climbing", "basketball hoop", "skate park",
            "dog enclosure",
        ],
    },
    "infestanti": {
        "it": [
            "topi", "topo", "ratti", "ratto", "sorci", "sorcio", "pantegane", "pantegana", "zoccole", "zoccola",
            "roditori", "derattizzazione", "disinfestazione", "disinfestare", "blatte", "blatta", "scarafaggi",
            "scarafaggio", "vespe", "vespa", "nido di vespe", "calabroni", "calabrone", "api", "sciame",
            "zanzare", "zanzara", "zanzara tigre", "larvicidi", "piccioni", "piccione", "guano", "processionaria",
            "nidi di processionaria", "zecche", "zecca", "pulci", "cimici", "formiche", "pappataci",
            "infestazione", "infestati", "bisce", "serpi", "vipere", "serpenti", "insetti", "disinfestazioni",
            "termiti", "tarli", "vespa velutina", "calabrone asiatico", "cimice asiatica", "derattizzare",
            "esche topicide", "trappole per topi", "topicida", "infestazione di topi", "punteruolo rosso",
            "nido di calabroni", "nidi di vespe", "colonia di topi", "ratti morti",
        ],
        "en": [
            "rats", "rat", "mice", "mouse", "rodents", "cockroaches", "cockroach", "roaches", "wasps",
            "wasp nest", "wasps nest", "hornets", "bees", "mosquitoes", "mosquito", "pigeons", "ticks",
            "fleas", "bed bugs", "pest control", "disinfest", "infestation", "pests", "snakes",
            "rodent", "vermin", "hornet", "hornets nest", "bugs", "insects",
        ],
    },
    "animali": {
        "it": [
            "cane randagio", "cani randagi", "randagio", "randagi", "randagia", "cane abbandonato",
            "animale abbandonato", "abbandono di animali", "gatto", "gatti", "gattini", "gatto ferito",
            "colonia felina", "colonie feline", "felini", "animale morto", "animali morti", "carcassa di animale",
            "carcassa animale", "animale ferito", "animale investito", "cane", "cani", "cucciolo", "cuccioli",
            "volpe", "cinghiale", "cinghiali", "capriolo", "caprioli", "cervo", "istrice", "tasso", "nutria",
            "nutrie", "uccello ferito", "gabbiani", "maltrattamento", "maltrattamento di animali", "cani liberi",
            "senza guinzaglio", "canile", "gattile", "veterinario", "tutela animali", "animale", "animali",
            "micio", "micini", "guinzaglio", "abbaiano", "investito",
            "gattara", "cibo per gatti", "animali selvatici", "lupo", "lupi", "cavallo", "cavalli", "mucche",
            "pecore", "gregge", "anatre", "cigni", "tartaruga", "pesci morti", "moria di pesci", "cane morto",
            "gatto morto", "cani pericolosi", "cane aggressivo", "cane legato", "animale in difficolta",
            "recupero animali", "cane smarrito", "gatto smarrito", "volpi", "caprioli investiti",
        ],
        "en": [
            "stray dog", "stray dogs", "stray cat", "stray", "dog", "dogs", "cat", "cats", "kitten",
            "dead animal", "injured animal", "injured cat", "fox", "wild boar", "deer", "animal", "animals",
            "animal cruelty", "abandoned dog", "puppy",
            "barking dog", "dead bird", "dead cat", "dead dog", "lost dog", "wild animals", "aggressive dog",
            "injured bird", "dead fox",
        ],
    },
    "cimiteri": {
        "it": [
            "cimitero", "cimiteri", "cimiteriale", "camposanto", "loculo", "loculi", "tomba", "tombe",
            "lapide", "lapidi", "colombario", "colombari", "ossario", "ossari", "cappella di famiglia",
            "cappella", "sepoltura", "sepolture", "lampade votive", "luci votive", "lumini", "cinerario",
            "salma", "esumazione", "tumulazione", "defunti", "fiori secchi", "custode del cimitero",
            "cinerari", "campo comune", "inumazione", "vialetto del cimitero", "cancello del cimitero",
            "cimitero chiuso", "feretro", "servizi cimiteriali", "fiori del cimitero",
            "tomba di famiglia", "loculi",
        ],
        "en": ["cemetery", "graveyard", "grave", "graves", "tomb", "tombstone", "headstone", "burial", "crypt"],
    },
    "accessibilita": {
        "it": [
            "barriere architettoniche", "barriera architettonica", "barriera", "barriere", "disabili",
            "disabile", "disabilita", "persone con disabilita", "carrozzina", "carrozzine", "sedia a rotelle",
            "carrozzella", "scivolo per disabili", "scivolo del marciapiede", "scivolo", "rampa", "rampe",
            "senza rampa", "posto disabili", "parcheggio disabili", "stallo disabili", "contrassegno disabili",
            "percorso tattile", "loges", "non vedenti", "ipovedenti", "ciechi", "cieco", "sordi",
            "segnale acustico", "semaforo sonoro", "accessibile", "inaccessibile", "accessibilita",
            "inclusivo", "inclusione", "anziani", "solo scale", "ascensore guasto", "ascensore", "montascale",
            "passeggino", "passeggini", "marciapiede troppo stretto", "deambulazione", "stampelle",
            "cemetery gate", "cemetery path", "graves overgrown",
            "scivoli", "gradino troppo alto", "marciapiede senza scivolo", "posti riservati", "invalidi",
            "persona disabile", "handicap", "bastone bianco", "non deambulanti", "anziano in carrozzina",
            "accesso disabili", "bagno disabili", "servoscala", "pedana", "percorso accessibile",
        ],
        "en": [
            "wheelchair", "wheelchairs", "disabled", "disability", "accessibility", "accessible", "ramp",
            "dropped kerb", "blind", "visually impaired", "disabled parking", "step free", "lift", "elevator",
            "pushchair", "stroller",
            "wheelchair ramp", "curb cut", "kerb", "step-free", "mobility scooter", "disabled access",
            "handicapped",
        ],
    },
    "acqua": {
        "it": [
            "perdita d'acqua", "perdita di acqua", "perdita", "perde acqua", "esce acqua", "acqua che esce",
            "acqua che sgorga", "sgorga", "tubo rotto", "tubatura", "tubature", "tubo", "condotta",
            "condotta idrica", "rottura della condotta", "acquedotto", "acqua potabile", "manca l'acqua",
            "senza acqua", "niente acqua", "acqua marrone", "acqua torbida", "rubinetto", "pressione dell'acqua",
            "poca pressione", "contatore", "idrante", "fogna", "fogne", "fognatura", "fognature", "fognaria",
            "fognario", "scarico fognario", "puzza di fogna", "odore di fogna", "liquami", "rigurgita",
            "reflui", "depuratore", "spreco d'acqua", "spreco di acqua", "acqua", "allagata da una perdita",
            "acqua sporca", "acqua non potabile", "allaccio", "rottura tubo", "getto d'acqua", "zampillo",
            "acqua dal suolo", "liquame", "pozzo nero", "fossa biologica", "tombino fognario", "depurazione",
            "rigurgito", "acqua gialla", "odore di uova marce", "perdita dal contatore", "perdita idrica",
            "guasto idrico", "senz'acqua", "manca acqua",
        ],
        "en": [
            "water leak", "leak", "leaking", "burst pipe", "pipe", "water main", "no water", "water supply",
            "tap water", "brown water", "sewer", "sewage", "sewers", "water pressure", "hydrant", "water",
            "water main break", "sewer backup", "burst water main", "leaking pipe", "foul smell",
            "drinking water",
        ],
    },
    "rifiuti": {
        "it": [
            "rifiuti", "rifiuto", "rifiuti abbandonati", "spazzatura", "immondizia", "immondizie", "monnezza",
            "munnezza", "mondezza", "rumenta", "rusco", "pattume", "scoasse", "sporcizia", "sporco", "sporca",
            "sacchi", "sacchetti", "sacchi neri", "sacchi della spazzatura", "cassonetto", "cassonetti",
            "bidone", "bidoni", "bidoni della carta", "campane del vetro", "raccolta", "raccolta differenziata",
            "differenziata", "indifferenziata", "plastica", "carta", "vetro", "umido", "organico",
            "ingombranti", "materasso", "divano", "elettrodomestici", "discarica", "discarica abusiva",
            "abbandono di rifiuti", "macerie", "calcinacci", "materiali edili", "amianto", "eternit",
            "siringhe", "vetri rotti", "bottiglie", "cartacce", "mozziconi", "escrementi", "cacca di cane",
            "deiezioni", "pulizia", "pulizia strade", "spazzamento", "spazzata", "spazzatrice", "lavaggio strade",
            "puzza", "degrado", "volantini", "non ritirato", "non hanno ritirato",
            "rifiuti ingombranti", "abbandono rifiuti", "cartoni", "scatoloni", "pneumatici", "frigorifero",
            "lavatrice", "sacco", "mastello", "bidone carrellato", "isola ecologica", "ecopiazzola",
            "netturbini", "operatori ecologici", "porta a porta", "svuotamento", "mancato ritiro",
            "cestini stracolmi", "cestino pieno", "cestini pieni", "cumulo", "lerciume", "schifezza",
            "sudicio", "lordura", "deiezioni canine", "feci", "urina", "vomito",
            "carcasse di elettrodomestici", "rifiuti speciali", "bruciano rifiuti", "roghi",
        ],
        "en": [
            "rubbish", "garbage", "trash", "litter", "waste", "dumped", "fly tipping", "fly-tipping",
            "overflowing bins", "bin bags", "dirty", "street cleaning", "dog poo", "dog mess", "needles",
            "broken glass", "mattress",
            "trash", "dumping", "illegal dumping", "bin not emptied", "missed collection", "recycling",
            "refuse", "bottles", "cans",
        ],
    },
    "veicoli": {
        "it": [
            "auto abbandonata", "auto abbandonate", "macchina abbandonata", "veicolo abbandonato",
            "veicoli abbandonati", "carcassa di auto", "carcassa di automobile", "carcassa", "rottame",
            "rottami", "auto bruciata", "senza targa", "targa", "senza assicurazione", "gomme a terra",
            "gomme bucate", "motorino abbandonato", "scooter abbandonato", "moto abbandonata",
            "bici abbandonata", "bicicletta abbandonata", "bicicletta senza ruote", "telaio", "roulotte",
            "camper abbandonato", "camper", "furgone abbandonato", "rimorchio", "ferma da mesi", "fermo da mesi",
            "da mesi nello stesso posto", "rimozione veicolo", "abbandonata", "abbandonato",
            "auto in sosta da mesi", "ciclomotore", "moto senza targa", "furgone", "camion abbandonato",
            "barca abbandonata", "auto senza targa", "veicolo senza targa", "auto incidentata", "auto ferma",
            "macchina ferma", "rimorchio abbandonato",
        ],
        "en": [
            "abandoned car", "abandoned vehicle", "abandoned bike", "abandoned bicycle", "abandoned scooter",
            "abandoned", "no plates", "number plate", "burnt out car", "wreck", "car wreck", "caravan",
            "derelict car", "car abandoned", "untaxed car", "vehicle parked for months",
            "abandoned motorbike",
        ],
    },
    "rumore": {
        "it": [
            "rumore", "rumori", "rumoroso", "rumorosi", "rumori molesti", "schiamazzi", "urla", "baccano",
            "casino", "chiasso", "musica alta", "musica altissima", "musica a tutto volume", "volume alto",
            "discoteca", "locale notturno", "movida", "non ci fa dormire", "non si dorme", "di notte",
            "disturbo della quiete", "quiete pubblica", "inquinamento acustico", "decibel", "allarme",
            "antifurto", "sirena", "martelli pneumatici", "motorini truccati", "marmitte", "condizionatore",
            "generatore", "assordante", "fracasso", "festa", "karaoke",
            "urla di notte", "schiamazzi notturni", "musica", "amplificata", "concerto", "bassi", "stereo",
            "compressore", "impianto di condizionamento", "soffiatore", "fuochi d'artificio", "petardi",
            "botti", "rumore di notte", "rumoroso di notte", "sgommate", "clacson",
        ],
        "en": [
            "noise", "noisy", "loud music", "loud", "shouting", "party", "alarm", "disturbance", "can't sleep",
            "nightlife", "racket",
            "noise complaint", "music", "loud party", "fireworks", "construction noise", "barking all night",
        ],
    },
    "graffiti": {
        "it": [
            "graffiti", "graffito", "scritte", "scritte sui muri", "scritte offensive", "scritta", "spray",
            "bomboletta", "vernice", "imbrattato", "imbrattata", "imbrattati", "imbrattamento", "imbrattare",
            "deturpato", "tag", "murales", "murale", "writer", "writers", "vandali", "vandalismo", "disegni",
            "scarabocchi", "ridipinti", "facciata imbrattata", "monumento imbrattato",
            "scritte vandaliche", "imbrattamenti", "adesivi", "manifesti abusivi", "affissioni abusive",
            "volantini attaccati", "scritte sui muri", "vernice spray", "muro imbrattato",
            "saracinesca imbrattata",
        ],
        "en": [
            "graffiti", "tags", "tagging", "spray paint", "sprayed", "vandalism", "vandalised", "vandalized",
            "defaced", "writing on the wall", "mural",
            "stickers", "posters", "fly posting", "spray painted", "tagged",
        ],
    },
    "proposte": {
        "it": [
            "proposta", "proposte", "propongo", "proporrei", "idea", "idee", "suggerimento", "suggerisco",
            "suggerirei", "sarebbe bello", "sarebbe utile", "sarebbe opportuno", "si potrebbe", "si potrebbero",
            "perche non", "chiedo di valutare", "valutare", "mi piacerebbe", "vorremmo", "nuova area",
            "migliorare", "miglioramento", "potreste mettere", "servirebbe",
            "proposta di", "richiesta di installazione", "si chiede di installare", "chiediamo di",
            "vorremmo che", "potrebbe essere utile", "consiglio", "consiglierei", "sarebbe necessario",
            "bisognerebbe", "andrebbe messo", "andrebbe installato", "mi permetto di suggerire",
        ],
        "en": [
            "proposal", "propose", "suggestion", "suggest", "idea", "it would be nice", "would be nice",
            "could we", "why not", "please consider",
            "i suggest", "we would like", "could you install", "would be great", "request for a new",
        ],
    },
    "altro": {
        "it": [
            "informazioni", "informazione", "orari", "orari dell'ufficio", "ufficio anagrafe", "anagrafe",
            "certificato", "carta d'identita", "tributi", "tassa", "tari", "imu", "bolletta", "multa",
            "rimborso", "ringraziamento", "grazie", "complimenti", "mercato settimanale", "mercato",
            "wifi", "sito del comune", "scuolabus", "mensa scolastica", "autobus", "trasporto pubblico",
            "vigili", "polizia locale", "assessore", "sindaco", "consiglio comunale", "bilancio", "poste",
            "ufficio postale", "buca delle lettere", "cassetta postale", "segnalazione generica",
            "problema non in elenco", "vorrei sapere", "prenotare", "appuntamento", "non rispondono",
            "residenza", "mancano parcheggi", "pratica edilizia",
        ],
        "en": [
            "information", "opening hours", "certificate", "residence", "tax", "fine", "thanks",
            "thank you", "website", "bus", "question", "how do i", "post box", "letter box",
        ],
    },
}

# A proposal is about what it proposes ("propongo una rastrelliera" is an idea, not a broken rack):
# its words weigh more than the object's in the phrase matcher.
PESI_TIPO: dict[str, float] = {"proposte": 1.6}

# Names of a catalogue's catch-all category (compared without accents, lowercase).
NOMI_ALTRO = {"altro", "altre segnalazioni", "varie", "altro varie", "segnalazioni generiche", "generale", "other"}

# Phrases whose words belong elsewhere: (phrase, kind it really is, or None if it says nothing).
INGANNEVOLI: list[tuple[str, str | None]] = [
    ("buca delle lettere", "altro"), ("buca lettere", "altro"), ("buca della posta", "altro"),
    ("buche delle lettere", "altro"), ("cassetta delle lettere", "altro"), ("post box", "altro"),
    ("fare luce", "altro"), ("far luce", "altro"), ("faro luce", "altro"), ("fare chiarezza", "altro"),
    ("alla luce di", None), ("luce verde", None), ("dare il via libera", None), ("alla luce del sole", None),
    ("venire alla luce", None), ("bolletta della luce", "altro"), ("bolletta dell'acqua", "altro"),
    ("bolletta acqua", "altro"), ("tassa rifiuti", "altro"), ("tassa sui rifiuti", "altro"),
    ("tari", "altro"), ("bolletta della tari", "altro"), ("acqua in bocca", None),
    ("un buco di bilancio", "altro"), ("buco di bilancio", "altro"), ("semaforo verde al progetto", None),
    ("punto di riferimento", None), ("dare un segnale", None), ("un segnale", None),
    ("cane sciolto", None), ("a cane", None), ("come un cane", None),
    ("rumors", None), ("green light", None), ("shed light", "altro"), ("light on the matter", "altro"),
    ("fare luce sulla vicenda", "altro"),
    # Water in a pothole is rain, not a leak; a dead pigeon is an animal, not an infestation.
    ("piena d'acqua", None), ("pieno d'acqua", None), ("coperta d'acqua", None), ("piene d'acqua", None),
    ("piccioni morti", "animali"), ("piccione morto", "animali"), ("uccelli morti", "animali"),
    ("uccello morto", "animali"), ("perdita di gas", "altro"), ("fuga di gas", "altro"),
    ("odore di gas", "altro"), ("muro pericolante", "altro"), ("edificio pericolante", "altro"),
    ("cornicione", "altro"), ("bici legata", "veicoli"), ("bicicletta legata", "veicoli"),
]

# Words that carry no kind, removed before matching and before the linear model (space-separated).
PAROLE_VUOTE: dict[str, str] = {
    "it": """a ad al alla alle allo agli ai anche ancora che chi ci c con da dal dalla dalle dai dagli dei
        degli del della delle dello di e ed gli ha hanno ho i il in io la le lo l ma mi mia mio ne nei nel
        nella nelle nello noi non o per perche piu qui qua si sia sono su sul sulla sulle sui tra fra tu
        un una uno vi voi e è era sono stato stata questo questa quello quella c è ce buongiorno salve
        ciao gentile gentili segnalo vorrei segnalare segnalazione problema via viale piazza corso
        civico davanti vicino sotto sopra dopo prima tutto tutta tutti tutte molto molta da giorni""",
    "en": """a an the of in on at to from by for with and or is are was were be been it its this that
        there here my our your near outside please hi hello""",
}
