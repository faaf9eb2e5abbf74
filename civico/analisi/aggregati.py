"""The dashboards' aggregates, kept exact by the database itself (docs/decisions/0014-aggregati-cruscotto.md).

Two tables hold every count the public dashboard shows (see `civico.analisi.models`):

- `analisi_ricevute_giorno`: public reports per local day of arrival × ente × category × office ×
  channel × state × inherited backlog × with/without a position;
- `analisi_risolte_giorno`: resolved public reports per local day of closing × ente × category ×
  office × deadline outcome × time to resolve in tenths of a day;
- `analisi_risposte_giorno`: the reporters' answers (resolved: yes/no) per local day × ente of the
  event × the report's current category, on public reports.

Row triggers on the reports table move a report's +1 from its old key to its new one on every
INSERT, UPDATE of a counted column and DELETE: whatever writes (the services, `QuerySet.update`,
`bulk_create`, COPY of the seeder, raw SQL, GDPR erasure) keeps the aggregates exact in the same
transaction. One implementation per vendor, generated here from the same expressions that
`ricostruisci()` uses to rebuild the tables from the raw rows, so the two cannot disagree.

Days are local days of settings.TIME_ZONE (baked into the triggers: rebuild after changing it).
On SQLite the local day comes from Django's `django_datetime_cast_date`, registered on every
connection Django opens: writes from outside Django (the sqlite3 shell) would fail the trigger.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from civico.stati import Stato

SEGNALAZIONI = "segnalazioni_segnalazione"
RICEVUTE = "analisi_ricevute_giorno"
RISOLTE = "analisi_risolte_giorno"
RISPOSTE = "analisi_risposte_giorno"
EVENTI = "segnalazioni_evento"
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
class Dialetto:
    """The few expressions that differ between PostgreSQL and SQLite."""

    postgresql: bool

    def giorno(self, colonna: str) -> str:
        tz = settings.TIME_ZONE
        if self.postgresql:
            return f"({colonna} AT TIME ZONE '{tz}')::date"
        return f"django_datetime_cast_date({colonna}, '{tz}', 'UTC')"

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


def _aggiungi(tabella: str, chiave: tuple[str, ...], valori: tuple[str, ...], condizione: str) -> str:
    return (
        f"INSERT INTO {tabella} ({', '.join(chiave)}, n) SELECT {', '.join(valori)}, 1 WHERE {condizione} "
        f"ON CONFLICT ({', '.join(chiave)}) DO UPDATE SET n = {tabella}.n + 1"
    )


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
    d = Dialetto(postgresql)
    if postgresql:
        corpo = {op: "\n    ".join(s + ";" for s in _istruzioni(d, op)) for op in ("INSERT", "UPDATE", "DELETE")}
        funzione = f"""
CREATE OR REPLACE FUNCTION analisi_aggrega_segnalazione() RETURNS trigger LANGUAGE plpgsql AS $$
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
    with conn.cursor() as c:
        if conn.vendor == "postgresql":
            c.execute("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'analisi_aggrega_%'")
            return c.fetchone()[0] == 4
        c.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'analisi_aggrega_%'")
        return c.fetchone()[0] == 5


def installa(schema_editor=None, *, ricostruendo: bool = True) -> None:
    """(Re)create the triggers and, unless told otherwise, recount the tables from the raw rows."""
    postgresql = (schema_editor.connection if schema_editor else connection).vendor == "postgresql"
    istruzioni = sql_rimuovi(postgresql) + sql_installa(postgresql)
    esegui(istruzioni + (sql_ricostruisci(postgresql) if ricostruendo else []), schema_editor)


def assicura_trigger(sender=None, using: str = "default", **kwargs) -> None:
    """post_migrate: the triggers exist after any migration (and the tables were recounted if not)."""
    from django.db import connections

    conn = connections[using]
    if conn.alias != connection.alias or trigger_presenti(conn):
        return
    if not {SEGNALAZIONI, EVENTI, RICEVUTE, RISOLTE, RISPOSTE} <= set(conn.introspection.table_names()):
        return
    with transaction.atomic():
        installa()
