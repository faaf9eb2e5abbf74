// Inbox: "select all on this page" for the bulk actions (the list works without it).
document.addEventListener("change", function (evento) {
  if (evento.target.id !== "seleziona-tutte") return;
  document.querySelectorAll('input[name="codici"]').forEach(function (casella) {
    casella.checked = evento.target.checked;
  });
});

// Live inbox: every few seconds ask whether anything this person sees changed (one indexed MAX
// on the server); if it did, reload the list in place with the current filters, as htmx does for
// them. Not while reports are selected or the bulk form is being filled: nothing typed is lost.
(function () {
  var stato = document.getElementById("diretta-casella");
  if (!stato || !window.fetch) return;
  var INTERVALLO_MS = 5000;
  function occupato() {
    if (document.querySelector('#elenco input[name="codici"]:checked')) return true;
    var attivo = document.activeElement;
    return !!(attivo && attivo.closest && attivo.closest("#blocco"));
  }
  function controlla() {
    if (document.visibilityState === "hidden" || occupato()) return;
    fetch(stato.dataset.novita, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (dati) {
        if (!dati || dati.versione === stato.dataset.versione) return;
        stato.dataset.versione = dati.versione;
        if (window.htmx) {
          htmx.ajax("GET", window.location.pathname + window.location.search, {target: "#elenco", swap: "outerHTML"});
        }
      })
      .catch(function () {});  // offline for a moment: the next round tries again
  }
  setInterval(controlla, INTERVALLO_MS);
})();
