"""The dashboards' aggregates, kept exact by the database itself (docs/decisions/0014-aggregati-cruscotto.md).

These tables hold every count the public dashboard shows (see `civico.analisi.models`):

- `analisi_ricevute_giorno`: public reports per local day of arrival × ente × category × office ×
  channel × state × inherited backlog × with/without a position;
- `analisi_risolte_giorno`: resolved public reports per local day of closing × ente × category ×
  office × deadline outcome × time to resolve in tenths of a day;
- `analisi_risposte_giorno`: the reporters' answers (resolved: yes/no) per local day × ente of the
  event × the report's current category, on public reports;
- `analisi_celle_giorno`: public reports with a position per local day of arrival × ente ×
  category × H3 cell at the platform map's resolution.

Row triggers on the reports table move a report's +1 from its old key to its new one on every
INSERT, UPDATE of a counted column and DELETE: whatever writes (the services, `QuerySet.update`,
`bulk_create`, COPY, raw SQL, GDPR erasure) keeps the aggregates exact in the same transaction
— but a load under `session_replication_role = replica` (the seeder's bulk mode) silences
triggers: rebuild after it (`civico aggiorna_cruscotti --ricostruisci-aggregati`). One
implementation per vendor, generated here from the same expressions that
`ricostruisci()` uses to rebuild the tables from the raw rows, so the two cannot disagree.

A second level serves the platform page (all comuni at once), where a day × ente key hardly
compresses (~7 reports per comune per day): `analisi_ricevute_mese`, `analisi_risolte_mese` and
`analisi_celle_mese` hold the same counts per *month* × category *code* (× office *name* for the
resolved), without the ente.
They are sums of the day rows, kept by triggers on the day tables (so every path that moves a day
row moves the month row too, and the report's expressions stay written once, above them); a
change of a category's code or an office's name recounts the codes or names it touches.
`cruscotto` reads whole months there, the partial months at the edges of a period from the day
rows, and subtracts the inactive comuni's own day rows (the flag is read at query time).

Days are local days of settings.TIME_ZONE (baked into the triggers: rebuild after changing it).
On SQLite the local day comes from Django's `django_datetime_cast_date`, registered on every
connection Django opens: writes from outside Django (the sqlite3 shell) would fail the trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from civico.analisi.sql import genitore_h3, genitore_h3_postgresql
from civico.stati import Stato

SEGNALAZIONI = "segnalazioni_segnalazione"
RICEVUTE = "analisi_ricevute_giorno"
RISOLTE = "analisi_risolte_giorno"
RISPOSTE = "analisi_risposte_giorno"
EVENTI = "segnalazioni_evento"
RICEVUTE_MESE = "analisi_ricevute_mese"
RISOLTE_MESE = "analisi_risolte_mese"
CELLE = "analisi_celle_giorno"
CELLE_MESE = "analisi_celle_mese"
CATEGORIE = "catalogo_categoria"
# The platform map's hexagons (about 250 km²: comuni across Italy); a function of both databases
# gives a report's cell at that resolution (None when malformed: such a report stays off the map).
RISOLUZIONE_MAPPA = 5
FUNZIONE_H3 = "analisi_h3_genitore"
CHIAVE_CELLE = ("giorno", "ente_id", "categoria_id", "cella")
UFFICI = "catalogo_ufficio"
# The states `segnalazioni.workflow.RISOLTI` holds (this layer may not import the workflow).
RISOLTI_SQL = f"('{Stato.RESOLVED.value}', '{Stato.CLOSED.value}')"
# The report columns a key depends on: an UPDATE touching none of them leaves the aggregates alone.
COLONNE = ("pubblica", "ente_id", "categoria_id", "ufficio_id", "canale", "stato", "pregressa", "creata_il",
           "chiusa_il", "scadenza")
CHIAVE_RICEVUTE = ("giorno", "ente_id", "categoria_id", "ufficio_id", "canale", "stato", "pregressa",
                   "con_posizione")
CHIAVE_RISOLTE = ("giorno", "ente_id", "categoria_id", "ufficio_id", "esito_scadenza", "decimi")
CHIAVE_RISPOSTE = ("giorno", "ente_id", "categoria_id", "risolto")


@dataclass(frozen=True)
class Livello:
    """A platform-level table: the rows of a day table summed per month and category code (and
    office name), without the ente; `copiate` are the day table's columns carried as they are."""

    tabella: str
    sorgente: str
    copiate: tuple[str, ...]
    con_ufficio: bool = False

    @property
    def chiave(self) -> tuple[str, ...]:
        return ("mese", "codice", *(("ufficio",) if self.con_ufficio else ()), *self.copiate)


LIVELLI = (
    Livello(RICEVUTE_MESE, RICEVUTE, ("canale", "stato", "pregressa", "con_posizione")),
    Livello(RISOLTE_MESE, RISOLTE, ("esito_scadenza", "decimi"), con_ufficio=True),
    Livello(CELLE_MESE, CELLE, ("cella",)),
)


@dataclass(frozen=True)
class Dialetto:
    """The few expressions that differ between PostgreSQL and SQLite."""

    postgresql: bool

    def giorno(self, colonna: str) -> str:
        tz = settings.TIME_ZONE
        if self.postgresql:
            return f"({colonna} AT TIME ZONE '{tz}')::date"
        return f"django_datetime_cast_date({colonna}, '{tz}', 'UTC')"

    def mese(self, giorno: str) -> str:
        """The first day of the month of a date column."""
        if self.postgresql:
            return f"CAST(date_trunc('month', CAST({giorno} AS timestamp)) AS date)"
        return f"date({giorno}, 'start of month')"

    def valori_livello(self, livello: Livello, p: str) -> tuple[str, ...]:
        """A day row's key in the month table: its month, its category's code, its office's name."""
        valori = [self.mese(f"{p}giorno"),
                  f"COALESCE((SELECT c.codice FROM {CATEGORIE} c WHERE c.id = {p}categoria_id), '')"]
        if livello.con_ufficio:
            valori.append(f"COALESCE((SELECT u.nome FROM {UFFICI} u WHERE u.id = {p}ufficio_id), '')")
        return (*valori, *(f"{p}{c}" for c in livello.copiate))

    def decimi(self, p: str) -> str:
        """Days from arrival to resolution × 10, rounded half up."""
        if self.postgresql:
            return f"floor(EXTRACT(EPOCH FROM ({p}chiusa_il - {p}creata_il)) / 8640.0 + 0.5)::integer"
        return f"CAST(floor((julianday({p}chiusa_il) - julianday({p}creata_il)) * 10 + 0.5) AS INTEGER)"

    def valori_ricevute(self, p: str) -> tuple[str, ...]:
        return (self.giorno(f"{p}creata_il"), f"{p}ente_id", f"{p}categoria_id", f"COALESCE({p}ufficio_id, 0)",
                f"{p}canale", f"{p}stato", f"{p}pregressa", f"({p}lat IS NOT NULL)")

    def valori_risolte(self, p: str) -> tuple[str, ...]:
        chiusa = self.giorno(f"{p}chiusa_il")
        esito = f"CASE WHEN {p}scadenza IS NULL THEN 0 WHEN {chiusa} <= {p}scadenza THEN 1 ELSE 2 END"
        return (chiusa, f"{p}ente_id", f"{p}categoria_id", f"COALESCE({p}ufficio_id, 0)", esito, self.decimi(p))

    def risposta(self, p: str) -> str:
        """An event that is the reporter's answer to «Il problema è stato risolto?» (segnalazioni.interazioni):
        `close` (yes) or `reopen` (no) from `resolved`, by the reporter."""
        attore = f"({p}dati ->> 'attore')" if self.postgresql else f"json_extract({p}dati, '$.attore')"
        return (f"({p}tipo = 'state_changed' AND {p}stato_da = '{Stato.RESOLVED.value}' "
                f"AND {p}transizione IN ('close', 'reopen') AND {attore} = 'segnalante')")

    def risposte_di(self, id_segnalazione: str, categoria: str, condizione: str) -> str:
        """Per (day, ente, answer): the answers on one report, as rows of the answers' table."""
        return (f"SELECT {self.giorno('e.creato_il')}, e.ente_id, {categoria}, (e.transizione = 'close'), COUNT(*) "
                f"FROM {EVENTI} e WHERE {condizione} AND e.segnalazione_id = {id_segnalazione} "
                f"AND {self.risposta('e.')} GROUP BY 1, 2, 3, 4")

    def valori_celle(self, p: str) -> tuple[str, ...]:
        return (self.giorno(f"{p}creata_il"), f"{p}ente_id", f"{p}categoria_id", f"{FUNZIONE_H3}({p}cella_h3)")

    @staticmethod
    def sulla_mappa(p: str) -> str:
        """A public report the map can draw (with a position and a well-formed cell)."""
        return f"({p}pubblica AND {p}lat IS NOT NULL AND {p}cella_h3 <> '' AND {FUNZIONE_H3}({p}cella_h3) IS NOT NULL)"

    @staticmethod
    def contata(p: str) -> str:
        return f"{p}pubblica"

    @staticmethod
    def risolta(p: str) -> str:
        return f"({p}pubblica AND {p}stato IN {RISOLTI_SQL} AND {p}chiusa_il IS NOT NULL)"


def _dove(chiave: tuple[str, ...], valori: tuple[str, ...]) -> str:
    return " AND ".join(f"{c} = {v}" for c, v in zip(chiave, valori, strict=True))


def _togli(tabella: str, chiave: tuple[str, ...], valori: tuple[str, ...], condizione: str) -> str:
    return f"UPDATE {tabella} SET n = n - 1 WHERE {condizione} AND {_dove(chiave, valori)}"


def _aggiungi(tabella: str, chiave: tuple[str, ...], valori: tuple[str, ...], condizione: str,
              quanti: str = "1") -> str:
    return (
        f"INSERT INTO {tabella} ({', '.join(chiave)}, n) SELECT {', '.join(valori)}, {quanti} WHERE {condizione} "
        f"ON CONFLICT ({', '.join(chiave)}) DO UPDATE SET n = {tabella}.n + excluded.n"
    )


def _istruzioni_livello(d: Dialetto, livello: Livello, operazione: str) -> list[str]:
    """A day row changed: its old count leaves the month row, its new count joins it."""
    passi = []
    if operazione in ("UPDATE", "DELETE"):
        passi.append(f"UPDATE {livello.tabella} SET n = n - OLD.n WHERE "
                     f"{_dove(livello.chiave, d.valori_livello(livello, 'OLD.'))}")
    if operazione in ("INSERT", "UPDATE"):
        passi.append(_aggiungi(livello.tabella, livello.chiave, d.valori_livello(livello, "NEW."), "TRUE", "NEW.n"))
    return passi


def _somma_livello(d: Dialetto, livello: Livello, condizione: str = "TRUE") -> str:
    """The month table's rows counted from the day table (all, or those `condizione` picks)."""
    gruppi = ", ".join(str(i) for i in range(1, len(livello.chiave) + 1))
    return (f"INSERT INTO {livello.tabella} ({', '.join(livello.chiave)}, n) "
            f"SELECT {', '.join(d.valori_livello(livello, 's.'))}, SUM(s.n) FROM {livello.sorgente} s "
            f"WHERE {condizione} GROUP BY {gruppi}")


def _ricontati(d: Dialetto, colonna: str, catalogo: str, id_giorno: str) -> list[str]:
    """A category's code (an office's name) changed: recount the month rows of the old and new value."""
    valori = "(OLD.codice, NEW.codice)" if colonna == "codice" else "(OLD.nome, NEW.nome)"
    passi = []
    for livello in LIVELLI:
        if colonna == "codice" or livello.con_ufficio:
            campo = "codice" if colonna == "codice" else "ufficio"
            passi.append(f"DELETE FROM {livello.tabella} WHERE {campo} IN {valori}")
            passi.append(_somma_livello(
                d, livello, f"s.{id_giorno} IN (SELECT x.id FROM {catalogo} x WHERE x.{colonna} IN {valori})"))
    return passi


# (trigger name, table, column whose change recounts, day-table column holding its id)
CATALOGO = (("analisi_livello_categoria", CATEGORIE, "codice", "categoria_id"),
            ("analisi_livello_ufficio", UFFICI, "nome", "ufficio_id"))


def _funzione_pg(nome: str, istruzioni) -> str:
    """A PL/pgSQL row-trigger function running `istruzioni(TG_OP)`."""
    corpo = {op: "\n    ".join(s + ";" for s in istruzioni(op)) for op in ("INSERT", "UPDATE", "DELETE")}
    return f"""
CREATE OR REPLACE FUNCTION {nome}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {corpo["INSERT"]}
  ELSIF TG_OP = 'UPDATE' THEN
    {corpo["UPDATE"]}
  ELSE
    {corpo["DELETE"]}
  END IF;
  RETURN NULL;
END $$"""


def _istruzioni_celle(d: Dialetto, operazione: str) -> list[str]:
    passi = []
    if operazione in ("UPDATE", "DELETE"):
        passi.append(_togli(CELLE, CHIAVE_CELLE, d.valori_celle("OLD."), d.sulla_mappa("OLD.")))
    if operazione in ("INSERT", "UPDATE"):
        passi.append(_aggiungi(CELLE, CHIAVE_CELLE, d.valori_celle("NEW."), d.sulla_mappa("NEW.")))
    return passi


def _sql_installa_celle(postgresql: bool) -> list[str]:
    """The map's day rows: public reports per local day of arrival × ente × category × H3 cell."""
    d = Dialetto(postgresql)
    colonne = ("pubblica", "ente_id", "categoria_id", "creata_il", "cella_h3")
    if postgresql:
        cambiata = " OR ".join([f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in colonne]
                               + ["(OLD.lat IS NULL) <> (NEW.lat IS NULL)"])
        return [
            # plpgsql, so that a malformed cell gives NULL instead of failing the writer's statement
            f"CREATE OR REPLACE FUNCTION {FUNZIONE_H3}(cella text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$\n"
            f"BEGIN\n  RETURN {genitore_h3_postgresql('cella', RISOLUZIONE_MAPPA)};\n"
            "EXCEPTION WHEN others THEN\n  RETURN NULL;\nEND $$",
            _funzione_pg("analisi_celle_segnalazione", lambda op: _istruzioni_celle(d, op)),
            f"CREATE TRIGGER analisi_celle_ins_del AFTER INSERT OR DELETE ON {SEGNALAZIONI} FOR EACH ROW "
            "EXECUTE FUNCTION analisi_celle_segnalazione()",
            f"CREATE TRIGGER analisi_celle_upd AFTER UPDATE ON {SEGNALAZIONI} FOR EACH ROW WHEN ({cambiata}) "
            "EXECUTE FUNCTION analisi_celle_segnalazione()",
        ]
    cambiata = " OR ".join([f"OLD.{c} IS NOT NEW.{c}" for c in colonne] + ["(OLD.lat IS NULL) <> (NEW.lat IS NULL)"])
    trigger = []
    for op, nome in (("INSERT", "ins"), ("UPDATE", "upd"), ("DELETE", "del")):
        quando = f" WHEN {cambiata}" if op == "UPDATE" else ""
        corpo = "\n  ".join(s + ";" for s in _istruzioni_celle(d, op))
        trigger.append(f"CREATE TRIGGER analisi_celle_{nome} AFTER {op} ON {SEGNALAZIONI} FOR EACH ROW{quando}\n"
                       f"BEGIN\n  {corpo}\nEND")
    return trigger


def _sql_rimuovi_celle(postgresql: bool) -> list[str]:
    if postgresql:
        return [f"DROP TRIGGER IF EXISTS analisi_celle_ins_del ON {SEGNALAZIONI}",
                f"DROP TRIGGER IF EXISTS analisi_celle_upd ON {SEGNALAZIONI}",
                "DROP FUNCTION IF EXISTS analisi_celle_segnalazione()",
                f"DROP FUNCTION IF EXISTS {FUNZIONE_H3}(text)"]
    return [f"DROP TRIGGER IF EXISTS analisi_celle_{nome}" for nome in ("ins", "upd", "del")]


def _sql_ricostruisci_celle(postgresql: bool) -> list[str]:
    d = Dialetto(postgresql)
    return [f"DELETE FROM {CELLE}",
            f"INSERT INTO {CELLE} ({', '.join(CHIAVE_CELLE)}, n) SELECT {', '.join(d.valori_celle('s.'))}, "
            f"COUNT(*) FROM {SEGNALAZIONI} s WHERE {d.sulla_mappa('s.')} GROUP BY 1, 2, 3, 4"]


def sql_rimuovi_piattaforma(postgresql: bool) -> list[str]:
    """What migration 0003 added: the month level's triggers and the map's."""
    return sql_rimuovi_livelli(postgresql) + _sql_rimuovi_celle(postgresql)


def registra_funzioni(sender=None, connection=None, **kwargs) -> None:
    """connection_created: SQLite learns the map's H3 function (PostgreSQL has it as plpgsql)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            FUNZIONE_H3, 1, lambda cella: genitore_h3(cella, RISOLUZIONE_MAPPA), deterministic=True)


def sql_installa_livelli(postgresql: bool) -> list[str]:
    """The month level's triggers: on the day tables, and on the catalogue's codes and names."""
    d = Dialetto(postgresql)
    istruzioni = []
    for livello in LIVELLI:
        nome = f"analisi_livello_{livello.tabella}"
        if postgresql:
            istruzioni += [
                _funzione_pg(nome, lambda op, lv=livello: _istruzioni_livello(d, lv, op)),
                f"CREATE TRIGGER {nome}_ins_del AFTER INSERT OR DELETE ON {livello.sorgente} FOR EACH ROW "
                f"EXECUTE FUNCTION {nome}()",
                f"CREATE TRIGGER {nome}_upd AFTER UPDATE ON {livello.sorgente} FOR EACH ROW "
                f"WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION {nome}()",
            ]
            continue
        for op, suffisso in (("INSERT", "ins"), ("UPDATE", "upd"), ("DELETE", "del")):
            corpo = "\n  ".join(s + ";" for s in _istruzioni_livello(d, livello, op))
            quando = " WHEN OLD.n IS NOT NEW.n" if op == "UPDATE" else ""
            istruzioni.append(f"CREATE TRIGGER {nome}_{suffisso} AFTER {op} ON {livello.sorgente} FOR EACH ROW"
                              f"{quando}\nBEGIN\n  {corpo}\nEND")
    for nome, catalogo, colonna, id_giorno in CATALOGO:
        corpo = "\n  ".join(s + ";" for s in _ricontati(d, colonna, catalogo, id_giorno))
        if postgresql:
            istruzioni += [
                f"CREATE OR REPLACE FUNCTION {nome}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  {corpo}\n"
                f"  RETURN NULL;\nEND $$",
                f"CREATE TRIGGER {nome} AFTER UPDATE ON {catalogo} FOR EACH ROW "
                f"WHEN (OLD.{colonna} IS DISTINCT FROM NEW.{colonna}) EXECUTE FUNCTION {nome}()",
            ]
        else:
            istruzioni.append(f"CREATE TRIGGER {nome} AFTER UPDATE ON {catalogo} FOR EACH ROW "
                              f"WHEN OLD.{colonna} IS NOT NEW.{colonna}\nBEGIN\n  {corpo}\nEND")
    return istruzioni


def sql_rimuovi_livelli(postgresql: bool) -> list[str]:
    istruzioni = []
    for livello in LIVELLI:
        nome = f"analisi_livello_{livello.tabella}"
        if postgresql:
            istruzioni += [f"DROP TRIGGER IF EXISTS {nome}_ins_del ON {livello.sorgente}",
                           f"DROP TRIGGER IF EXISTS {nome}_upd ON {livello.sorgente}",
                           f"DROP FUNCTION IF EXISTS {nome}()"]
        else:
            istruzioni += [f"DROP TRIGGER IF EXISTS {nome}_{s}" for s in ("ins", "upd", "del")]
    for nome, catalogo, _colonna, _id in CATALOGO:
        istruzioni += ([f"DROP TRIGGER IF EXISTS {nome} ON {catalogo}", f"DROP FUNCTION IF EXISTS {nome}()"]
                       if postgresql else [f"DROP TRIGGER IF EXISTS {nome}"])
    return istruzioni


def sql_ricostruisci_livelli(postgresql: bool) -> list[str]:
    d = Dialetto(postgresql)
    return [f"DELETE FROM {livello.tabella}" for livello in LIVELLI] + [_somma_livello(d, lv) for lv in LIVELLI]


def _istruzioni(d: Dialetto, operazione: str) -> list[str]:
    """The statements one row's change runs: take the old row out, put the new row in."""
    passi = []
    if operazione in ("UPDATE", "DELETE"):
        passi.append(_togli(RICEVUTE, CHIAVE_RICEVUTE, d.valori_ricevute("OLD."), d.contata("OLD.")))
        passi.append(_togli(RISOLTE, CHIAVE_RISOLTE, d.valori_risolte("OLD."), d.risolta("OLD.")))
    if operazione in ("INSERT", "UPDATE"):
        passi.append(_aggiungi(RICEVUTE, CHIAVE_RICEVUTE, d.valori_ricevute("NEW."), d.contata("NEW.")))
        passi.append(_aggiungi(RISOLTE, CHIAVE_RISOLTE, d.valori_risolte("NEW."), d.risolta("NEW.")))
    if operazione == "UPDATE":  # the answers follow the report's category and public flag
        spostate = "(OLD.categoria_id <> NEW.categoria_id OR OLD.pubblica <> NEW.pubblica)"
        passi.insert(2, (
            f"UPDATE {RISPOSTE} SET n = n - (SELECT COUNT(*) FROM {EVENTI} e WHERE e.segnalazione_id = OLD.id "
            f"AND {d.risposta('e.')} AND e.ente_id = {RISPOSTE}.ente_id AND {d.giorno('e.creato_il')} = "
            f"{RISPOSTE}.giorno AND (e.transizione = 'close') = {RISPOSTE}.risolto) "
            f"WHERE {d.contata('OLD.')} AND {spostate} AND categoria_id = OLD.categoria_id "
            f"AND giorno IN (SELECT g FROM (SELECT {d.giorno('e.creato_il')} AS g FROM {EVENTI} e "
            f"WHERE e.segnalazione_id = OLD.id AND {d.risposta('e.')}) giorni)"
        ))
        nuove = d.risposte_di("NEW.id", "NEW.categoria_id", f"{d.contata('NEW.')} AND {spostate}")
        passi.append(f"INSERT INTO {RISPOSTE} ({', '.join(CHIAVE_RISPOSTE)}, n) {nuove} "
                     f"ON CONFLICT ({', '.join(CHIAVE_RISPOSTE)}) DO UPDATE SET n = {RISPOSTE}.n + excluded.n")
    return passi


def _istruzioni_risposta(d: Dialetto, operazione: str) -> str:
    """One event that is an answer, added (INSERT) or taken out (DELETE): the report gives the category."""
    if operazione == "INSERT":
        return (
            f"INSERT INTO {RISPOSTE} ({', '.join(CHIAVE_RISPOSTE)}, n) SELECT {d.giorno('NEW.creato_il')}, "
            f"NEW.ente_id, s.categoria_id, (NEW.transizione = 'close'), 1 FROM {SEGNALAZIONI} s "
            f"WHERE s.id = NEW.segnalazione_id AND {d.contata('s.')} "
            f"ON CONFLICT ({', '.join(CHIAVE_RISPOSTE)}) DO UPDATE SET n = {RISPOSTE}.n + 1"
        )
    return (
        f"UPDATE {RISPOSTE} SET n = n - 1 WHERE ente_id = OLD.ente_id AND giorno = {d.giorno('OLD.creato_il')} "
        f"AND risolto = (OLD.transizione = 'close') AND categoria_id = (SELECT s.categoria_id FROM {SEGNALAZIONI} s "
        f"WHERE s.id = OLD.segnalazione_id AND {d.contata('s.')})"
    )


def _cambiata(distinti: str) -> str:
    confronti = [f"OLD.{c} {distinti} NEW.{c}" for c in COLONNE]
    confronti.append("(OLD.lat IS NULL) <> (NEW.lat IS NULL)")
    return " OR ".join(confronti)


def sql_installa(postgresql: bool) -> list[str]:
    return _sql_installa_segnalazioni(postgresql) + _sql_installa_celle(postgresql) + sql_installa_livelli(postgresql)


def _sql_installa_segnalazioni(postgresql: bool) -> list[str]:
    d = Dialetto(postgresql)
    if postgresql:
        funzione = _funzione_pg("analisi_aggrega_segnalazione", lambda op: _istruzioni(d, op))
        funzione_eventi = f"""
CREATE OR REPLACE FUNCTION analisi_aggrega_risposta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_istruzioni_risposta(d, "INSERT")};
  ELSE
    {_istruzioni_risposta(d, "DELETE")};
  END IF;
  RETURN NULL;
END $$"""
        return [
            funzione,
            funzione_eventi,
            f"CREATE TRIGGER analisi_aggrega_evento_ins AFTER INSERT ON {EVENTI} FOR EACH ROW "
            f"WHEN {d.risposta('NEW.')} EXECUTE FUNCTION analisi_aggrega_risposta()",
            f"CREATE TRIGGER analisi_aggrega_evento_del AFTER DELETE ON {EVENTI} FOR EACH ROW "
            f"WHEN {d.risposta('OLD.')} EXECUTE FUNCTION analisi_aggrega_risposta()",
            f"CREATE TRIGGER analisi_aggrega_ins_del AFTER INSERT OR DELETE ON {SEGNALAZIONI} "
            "FOR EACH ROW EXECUTE FUNCTION analisi_aggrega_segnalazione()",
            f"CREATE TRIGGER analisi_aggrega_upd AFTER UPDATE ON {SEGNALAZIONI} FOR EACH ROW "
            f"WHEN ({_cambiata('IS DISTINCT FROM')}) EXECUTE FUNCTION analisi_aggrega_segnalazione()",
        ]
    trigger = []
    for op, nome in (("INSERT", "ins"), ("UPDATE", "upd"), ("DELETE", "del")):
        quando = f" WHEN {_cambiata('IS NOT')}" if op == "UPDATE" else ""
        corpo = "\n  ".join(s + ";" for s in _istruzioni(d, op))
        trigger.append(
            f"CREATE TRIGGER analisi_aggrega_{nome} AFTER {op} ON {SEGNALAZIONI} FOR EACH ROW{quando}\n"
            f"BEGIN\n  {corpo}\nEND"
        )
    for op, nome, riga in (("INSERT", "evento_ins", "NEW."), ("DELETE", "evento_del", "OLD.")):
        trigger.append(
            f"CREATE TRIGGER analisi_aggrega_{nome} AFTER {op} ON {EVENTI} FOR EACH ROW WHEN {d.risposta(riga)}\n"
            f"BEGIN\n  {_istruzioni_risposta(d, op)};\nEND"
        )
    return trigger


def sql_rimuovi(postgresql: bool) -> list[str]:
    return sql_rimuovi_livelli(postgresql) + _sql_rimuovi_celle(postgresql) + _sql_rimuovi_segnalazioni(postgresql)


def _sql_rimuovi_segnalazioni(postgresql: bool) -> list[str]:
    if postgresql:
        return [f"DROP TRIGGER IF EXISTS analisi_aggrega_ins_del ON {SEGNALAZIONI}",
                f"DROP TRIGGER IF EXISTS analisi_aggrega_upd ON {SEGNALAZIONI}",
                f"DROP TRIGGER IF EXISTS analisi_aggrega_evento_ins ON {EVENTI}",
                f"DROP TRIGGER IF EXISTS analisi_aggrega_evento_del ON {EVENTI}",
                "DROP FUNCTION IF EXISTS analisi_aggrega_segnalazione()",
                "DROP FUNCTION IF EXISTS analisi_aggrega_risposta()"]
    return [f"DROP TRIGGER IF EXISTS analisi_aggrega_{nome}" for nome in ("ins", "upd", "del", "evento_ins",
                                                                         "evento_del")]


def sql_ricostruisci(postgresql: bool) -> list[str]:
    """Recount every table from the raw rows. The month level's triggers are off meanwhile (a
    million day rows would each touch a month row) and its tables are summed from the day rows."""
    return (sql_rimuovi_livelli(postgresql) + _sql_ricostruisci_giorni(postgresql) + _sql_ricostruisci_celle(postgresql)
            + sql_ricostruisci_livelli(postgresql) + sql_installa_livelli(postgresql))


def _sql_ricostruisci_giorni(postgresql: bool) -> list[str]:
    d = Dialetto(postgresql)
    gruppi = ", ".join(str(i) for i in range(1, len(CHIAVE_RICEVUTE) + 1))
    gruppi_risolte = ", ".join(str(i) for i in range(1, len(CHIAVE_RISOLTE) + 1))
    return [
        f"DELETE FROM {RICEVUTE}",
        f"DELETE FROM {RISOLTE}",
        f"DELETE FROM {RISPOSTE}",
        f"INSERT INTO {RICEVUTE} ({', '.join(CHIAVE_RICEVUTE)}, n) SELECT {', '.join(d.valori_ricevute('s.'))}, "
        f"COUNT(*) FROM {SEGNALAZIONI} s WHERE {d.contata('s.')} GROUP BY {gruppi}",
        f"INSERT INTO {RISOLTE} ({', '.join(CHIAVE_RISOLTE)}, n) SELECT {', '.join(d.valori_risolte('s.'))}, "
        f"COUNT(*) FROM {SEGNALAZIONI} s WHERE {d.risolta('s.')} GROUP BY {gruppi_risolte}",
        f"INSERT INTO {RISPOSTE} ({', '.join(CHIAVE_RISPOSTE)}, n) SELECT {d.giorno('e.creato_il')}, e.ente_id, "
        f"s.categoria_id, (e.transizione = 'close'), COUNT(*) FROM {EVENTI} e JOIN {SEGNALAZIONI} s "
        f"ON s.id = e.segnalazione_id WHERE {d.contata('s.')} AND {d.risposta('e.')} GROUP BY 1, 2, 3, 4",
    ]


def esegui(istruzioni: list[str], schema_editor=None) -> None:
    if schema_editor is not None:
        for sql in istruzioni:
            schema_editor.execute(sql, params=None)
        return
    with connection.cursor() as c:
        for sql in istruzioni:
            c.execute(sql)


def ricostruisci() -> tuple[int, int]:
    """Recount both tables from the raw reports (after changing TIME_ZONE, or to check them)."""
    with transaction.atomic():
        esegui(sql_ricostruisci(connection.vendor == "postgresql"))
        with connection.cursor() as c:
            c.execute(f"SELECT COUNT(*) FROM {RICEVUTE}")
            ricevute = c.fetchone()[0]
            c.execute(f"SELECT COUNT(*) FROM {RISOLTE}")
            risolte = c.fetchone()[0]
    return ricevute, risolte


def trigger_presenti(conn=connection) -> bool:
    postgresql = conn.vendor == "postgresql"
    attesi = sum(1 for s in sql_installa(postgresql) if s.startswith("CREATE TRIGGER"))
    with conn.cursor() as c:
        if postgresql:
            c.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'analisi\\_%' AND NOT tgisinternal")
        else:
            c.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'analisi\\_%' "
                      "ESCAPE '\\'")
        return c.fetchone()[0] == attesi


def installa(schema_editor=None, *, ricostruendo: bool = True) -> None:
    """(Re)create the triggers and, unless told otherwise, recount the tables from the raw rows."""
    postgresql = (schema_editor.connection if schema_editor else connection).vendor == "postgresql"
    istruzioni = sql_rimuovi(postgresql) + sql_installa(postgresql)
    esegui(istruzioni + (sql_ricostruisci(postgresql) if ricostruendo else []), schema_editor)


def installa_giorni(schema_editor) -> None:
    """The day level alone (migration 0002, before the month tables existed)."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    esegui(_sql_rimuovi_segnalazioni(postgresql) + _sql_installa_segnalazioni(postgresql)
           + _sql_ricostruisci_giorni(postgresql), schema_editor)


def installa_piattaforma(schema_editor) -> None:
    """The map's day rows and the month level (migration 0003): their triggers, the map counted from
    the reports, the month rows summed from the day tables as they are."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    esegui(sql_rimuovi_livelli(postgresql) + _sql_rimuovi_celle(postgresql) + _sql_installa_celle(postgresql)
           + _sql_ricostruisci_celle(postgresql) + sql_ricostruisci_livelli(postgresql)
           + sql_installa_livelli(postgresql), schema_editor)


def assicura_trigger(sender=None, using: str = "default", **kwargs) -> None:
    """post_migrate: the triggers exist after any migration (and the tables were recounted if not)."""
    from django.db import connections

    conn = connections[using]
    if conn.alias != connection.alias or trigger_presenti(conn):
        return
    tabelle = {SEGNALAZIONI, EVENTI, RICEVUTE, RISOLTE, RISPOSTE, CELLE, CATEGORIE, UFFICI,
               *(lv.tabella for lv in LIVELLI)}
    if not tabelle <= set(conn.introspection.table_names()):
        return
    with transaction.atomic():
        installa()
