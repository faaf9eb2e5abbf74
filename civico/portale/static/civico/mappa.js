// Maps of reports (Leaflet). On an ente's home: the recent reports written in the page. When
// exploring: clusters or single reports for the visible box, from the server (mappa.json).
// Every map has a list next to it or in the other tab: the map is never the only way in.
(function () {
  "use strict";
  var el = document.getElementById("mappa");
  if (!el || !window.L) return;
  var d = el.dataset;
  var ITALIA = [[36.6, 6.6], [47.1, 18.5]];

  function dati(id) {
    var nodo = document.getElementById(id);
    return nodo ? JSON.parse(nodo.textContent) : null;
  }

  var mappa = L.map(el, { zoomControl: false, scrollWheelZoom: false, maxZoom: 19 });
  L.control.zoom({ zoomInTitle: d.zoomIn, zoomOutTitle: d.zoomOut }).addTo(mappa);
  if (d.tileUrl) L.tileLayer(d.tileUrl, { maxZoom: 19, attribution: d.tileAttribuzione }).addTo(mappa);
  var livello = L.layerGroup().addTo(mappa);

  function link(p) {
    var box = document.createElement("div");
    var a = document.createElement("a");
    a.href = d.urlSegnalazione.replace("CODICE", encodeURIComponent(p.codice));
    a.textContent = p.titolo;
    var info = document.createElement("div");
    info.className = "small";
    info.textContent = p.stato_etichetta + " · " + p.codice;
    box.append(a, info);
    return box;
  }

  function punto(p) {
    return L.marker([p.lat, p.lon], {
      icon: L.divIcon({ className: "mappa-punto stato-" + p.stato, iconSize: [18, 18] }),
      title: p.titolo + " — " + p.stato_etichetta, riseOnHover: true
    }).bindPopup(link(p));
  }

  function gruppo(g) {
    var lato = Math.round(30 + Math.min(30, Math.log10(g.n) * 10));
    var html = document.createElement("span");
    var cifra = document.createElement("span");
    cifra.setAttribute("aria-hidden", "true");
    cifra.textContent = String(g.n);
    var testo = document.createElement("span");
    testo.className = "visually-hidden";
    testo.textContent = d.gruppo.replace("%(n)s", g.n);
    html.append(cifra, testo);
    var m = L.marker([g.lat, g.lon], {
      icon: L.divIcon({ className: "mappa-gruppo", html: html, iconSize: [lato, lato] })
    });
    m.on("click", function () { mappa.setView([g.lat, g.lon], Math.min(mappa.getZoom() + 2, 18)); });
    return m;
  }

  function pronta(tipo, quanti) {
    el.setAttribute("data-pronta", "1");
    el.setAttribute("data-tipo", tipo);
    el.setAttribute("data-quanti", String(quanti));
    el.setAttribute("data-zoom", String(mappa.getZoom()));
    el.dispatchEvent(new CustomEvent("civico:mappa-pronta", { bubbles: true }));
  }

  var riquadro = dati("riquadro-mappa") || ITALIA;
  var recenti = dati("punti-mappa");
  if (recenti) {
    // The ente's home: a handful of points, already in the page.
    recenti.forEach(function (p) { livello.addLayer(punto(p)); });
    if (recenti.length) mappa.fitBounds(recenti.map(function (p) { return [p.lat, p.lon]; }), { padding: [24, 24], maxZoom: 15 });
    else mappa.fitBounds(riquadro);
    pronta("punti", recenti.length);
    return;
  }

  // Exploring: ask the server for what is in view after every move, dropping stale answers.
  var richiesta = 0;
  var attesa = null;
  function carica() {
    var numero = ++richiesta;
    var url = d.urlJson + "bbox=" + mappa.getBounds().toBBoxString() + "&zoom=" + mappa.getZoom();
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (risposta) {
        if (numero !== richiesta) return;
        livello.clearLayers();
        var voci = risposta.tipo === "gruppi" ? risposta.gruppi : risposta.punti;
        voci.forEach(function (v) { livello.addLayer(risposta.tipo === "gruppi" ? gruppo(v) : punto(v)); });
        pronta(risposta.tipo, voci.length);
      })
      .catch(function () { el.setAttribute("data-errore", "1"); });
  }
  mappa.on("moveend", function () { clearTimeout(attesa); attesa = setTimeout(carica, 150); });
  mappa.fitBounds(riquadro);
})();
