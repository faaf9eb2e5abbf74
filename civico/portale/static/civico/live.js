// The report's page follows the report live: Server-Sent Events append each new public entry to
// the timeline and update the state badge. The browser reconnects by itself after a normal end of
// the stream (sending Last-Event-ID); if it gives up (an HTTP error), we retry with growing pauses.
(function () {
  "use strict";
  var box = document.getElementById("diretta");
  if (!box || !window.EventSource) return;
  var d = box.dataset;
  var lista = document.querySelector("[data-testid=cronologia]");
  var stato = document.querySelector("[data-testid=stato]");
  var annuncio = document.getElementById("annuncio");
  var ultimo = parseInt(d.ultimo || "0", 10) || 0;
  var attesa = 1000;
  var sorgente = null;
  var timer = null;

  function nuovaVoce(e) {
    var dati = JSON.parse(e.data);
    if (dati.id <= ultimo || lista.querySelector('[data-id="' + dati.id + '"]')) return;
    ultimo = dati.id;
    lista.insertAdjacentHTML("beforeend", dati.html);
    var voce = lista.lastElementChild;
    voce.classList.add("nuova");
    if (stato && dati.stato) {
      stato.className = "badge stato stato-" + dati.stato;
      stato.textContent = dati.stato_etichetta;
      stato.setAttribute("data-stato", dati.stato);
    }
    var testo = voce.querySelector("div");
    annuncio.textContent = d.nuovo.replace("%(testo)s", testo ? testo.textContent.trim() : "");
    aggiornaRegioni();
  }

  // The parts of the page that depend on the report's state or photos (the "risolto?" question,
  // the gallery) come again from the server as it renders them now; a part the reader is writing
  // in is left alone.
  var inCorso = null;
  function aggiornaRegioni() {
    var regioni = document.querySelectorAll("[data-aggiorna-in-diretta]");
    if (!regioni.length || !window.DOMParser) return;
    clearTimeout(inCorso);
    inCorso = setTimeout(function () {
      fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return;
          var nuova = new DOMParser().parseFromString(html, "text/html");
          regioni.forEach(function (vecchia) {
            var fresca = nuova.getElementById(vecchia.id);
            if (!fresca || vecchia.contains(document.activeElement) || occupata(vecchia)) return;
            if (vecchia.innerHTML.trim() !== fresca.innerHTML.trim()) vecchia.innerHTML = fresca.innerHTML;
          });
        })
        .catch(function () {});
    }, 200);
  }
  function occupata(regione) {
    return Array.prototype.some.call(regione.querySelectorAll("textarea, input[type=text]"), function (c) {
      return c.value.trim() !== "";
    });
  }

  function connetti() {
    sorgente = new EventSource(d.url + "?dopo=" + ultimo);
    sorgente.addEventListener("open", function () {
      attesa = 1000;
      box.textContent = d.attiva;
    });
    sorgente.addEventListener("evento", nuovaVoce);
    sorgente.addEventListener("error", function () {
      if (sorgente.readyState !== EventSource.CLOSED) return;
      box.textContent = d.interrotta;
      clearTimeout(timer);
      timer = setTimeout(connetti, attesa);
      attesa = Math.min(attesa * 2, 60000);
    });
  }

  box.textContent = d.attiva;
  connetti();
})();
