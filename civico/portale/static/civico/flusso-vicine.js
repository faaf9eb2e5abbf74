/* Step "luogo", as FixMyStreet: the open public reports where the citizen is looking appear on the
   map (from the explore map's public endpoint, mappa.json), and once a point is chosen the ones within
   50 m are listed under the map with "Anche io", so a duplicate is seen before anything is typed.
   The map itself is flusso-mappa.js's (div#mappa.civicoMappa); the chosen point is its #campo-lat/lon. */
(function () {
  "use strict";
  var div = document.getElementById("mappa");
  var box = document.getElementById("vicine");
  var stato = document.getElementById("vicine-stato");
  var ente = document.getElementById("campo-ente");
  var lat = document.getElementById("campo-lat");
  var lon = document.getElementById("campo-lon");
  if (!div || !box || !stato || !ente || !window.L || !div.civicoMappa) return;
  var mappa = div.civicoMappa;
  var d = box.dataset;
  var ZOOM_MIN = 16;  // a few streets: below, the markers would hide the map
  var RAGGIO_M = 50;  // as the duplicates' search of step 3
  var livello = L.layerGroup().addTo(mappa);

  function formato(testo, valori) {
    return testo.replace(/%\((\w+)\)s/g, function (_, k) { return valori[k] == null ? "" : valori[k]; });
  }
  function url(bbox) {
    // zoom 18: single reports, never clusters (at most 1,200, the newest).
    return d.url.replace("ENTE", encodeURIComponent(ente.value)) + "&bbox=" + bbox + "&zoom=18";
  }
  function pagina(p) { return d.urlSegnalazione.replace("CODICE", encodeURIComponent(p.codice)); }
  function carica(bbox) {
    return fetch(url(bbox), { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function link(href, testo, classe) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = testo;
    if (classe) a.className = classe;
    return a;
  }
  function descrizione(p) { return [p.categoria, p.stato_etichetta, p.codice].filter(Boolean).join(" · "); }

  function popup(p) {
    var el = document.createElement("div");
    el.className = "popup-vicina";
    var titolo = document.createElement("strong");
    titolo.textContent = p.titolo;
    var info = document.createElement("div");
    info.className = "small";
    info.textContent = descrizione(p);
    var azioni = document.createElement("div");
    azioni.className = "d-flex flex-wrap gap-3 mt-2";
    azioni.append(link(pagina(p) + "#anche-io", d.msgAncheIo, "fw-semibold"),
                  link(pagina(p), d.msgApri));
    el.append(titolo, info, azioni);
    return el;
  }
  function marcatore(p) {
    return L.marker([p.lat, p.lon], {
      icon: L.divIcon({ className: "flusso-vicina stato-" + p.stato, iconSize: [16, 16] }),
      title: (p.categoria ? p.categoria + ": " : "") + p.titolo, keyboard: true, riseOnHover: true
    }).bindPopup(popup(p));
  }

  // --- The reports in view.
  var richiesta = 0;
  function pronta(n) {
    div.setAttribute("data-vicine", String(n));
    div.dispatchEvent(new CustomEvent("civico:vicine", { bubbles: true }));
  }
  function aggiorna() {
    var numero = ++richiesta;
    if (!ente.value || mappa.getZoom() < ZOOM_MIN) {
      livello.clearLayers();
      stato.textContent = ente.value ? d.msgIngrandisci : "";
      pronta(0);
      return;
    }
    carica(mappa.getBounds().toBBoxString()).then(function (r) {
      if (numero !== richiesta) return;
      livello.clearLayers();
      r.punti.forEach(function (p) { livello.addLayer(marcatore(p)); });
      stato.textContent = r.punti.length === 0 ? d.msgNessuna
        : formato(r.punti.length === 1 ? d.msgUna : d.msgMolte, { n: r.punti.length });
      pronta(r.punti.length);
    }).catch(function () { stato.textContent = ""; });
  }
  var attesa = null;
  mappa.on("moveend", function () { clearTimeout(attesa); attesa = setTimeout(aggiorna, 200); });
  ente.addEventListener("change", aggiorna);

  // --- The ones within 50 m of the chosen point.
  function metri(a1, o1, a2, o2) {
    var r = 6371008.8, rad = Math.PI / 180;
    var x = Math.sin((a2 - a1) * rad / 2), y = Math.sin((o2 - o1) * rad / 2);
    var h = x * x + Math.cos(a1 * rad) * Math.cos(a2 * rad) * y * y;
    return 2 * r * Math.asin(Math.sqrt(h));
  }
  var richiestaPunto = 0;
  function vicineAlPunto() {
    var numero = ++richiestaPunto;
    var a = parseFloat(lat.value), o = parseFloat(lon.value);
    if (!isFinite(a) || !isFinite(o) || !ente.value) { box.hidden = true; box.innerHTML = ""; return; }
    var da = 0.0006, dl = da / Math.max(0.2, Math.cos(a * Math.PI / 180));  // ≈ 67 m each way
    var bbox = [o - dl, a - da, o + dl, a + da].map(function (v) { return v.toFixed(6); }).join(",");
    carica(bbox).then(function (r) {
      if (numero !== richiestaPunto) return;
      var vicine = r.punti.map(function (p) { return { p: p, m: metri(a, o, p.lat, p.lon) }; })
        .filter(function (x) { return x.m <= RAGGIO_M; })
        .sort(function (x, y) { return x.m - y.m; }).slice(0, 5);
      box.innerHTML = "";
      box.hidden = vicine.length === 0;
      if (!vicine.length) return;
      var titolo = document.createElement("p");
      titolo.className = "fw-semibold mb-1";
      titolo.textContent = formato(vicine.length === 1 ? d.msgPuntoUna : d.msgPuntoMolte, { n: vicine.length, m: RAGGIO_M });
      var aiuto = document.createElement("p");
      aiuto.className = "mb-2";
      aiuto.textContent = d.msgStesso;
      var lista = document.createElement("ul");
      lista.className = "list-unstyled mb-0";
      vicine.forEach(function (x) {
        var li = document.createElement("li");
        li.className = "d-flex flex-wrap align-items-center gap-2 mb-2";
        var testo = document.createElement("span");
        testo.className = "flex-grow-1";
        var dettaglio = document.createElement("span");
        dettaglio.className = "small";
        dettaglio.textContent = " (" + descrizione(x.p) + ", " + formato(d.msgDistanza, { m: Math.round(x.m) }) + ")";
        testo.append(link(pagina(x.p), x.p.titolo), dettaglio);
        var anche = link(pagina(x.p) + "#anche-io", d.msgAncheIo, "btn btn-outline-primary btn-sm");
        var nascosto = document.createElement("span");
        nascosto.className = "visually-hidden";
        nascosto.textContent = ": " + formato(d.msgSegui, { codice: x.p.codice });
        anche.append(nascosto);
        li.append(testo, anche);
        lista.append(li);
      });
      box.append(titolo, aiuto, lista);
    }).catch(function () {});
  }
  lat.addEventListener("change", vicineAlPunto);
  if (lat.value) vicineAlPunto();
  aggiorna();
})();
