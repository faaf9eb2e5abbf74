/* Step 3: the asset picker. The fieldset of the chosen category's asset kind is shown (others are
   hidden and disabled, so only one "bene" is sent); its map shows the report's point and the
   assets around it (public bbox endpoint); a click on an asset checks its radio in the list. */
(function () {
  "use strict";
  var categoria = document.getElementById("campo-categoria");
  var insiemi = document.querySelectorAll("fieldset.scelta-bene");
  if (!categoria || !insiemi.length) return;

  function aggiorna() {
    insiemi.forEach(function (f) {
      var attivo = f.dataset.categorie.split(" ").indexOf(categoria.value) >= 0;
      f.hidden = !attivo; f.disabled = !attivo;
      if (attivo) mappa(f);
    });
  }

  function radio(f, bene) {
    var id = "bene-scelto-" + bene.id;
    var esistente = document.getElementById(id);
    if (esistente) return esistente;
    var div = document.createElement("div"); div.className = "form-check";
    var input = document.createElement("input");
    input.className = "form-check-input"; input.type = "radio"; input.name = "bene"; input.id = id; input.value = bene.id;
    var label = document.createElement("label");
    label.className = "form-check-label"; label.htmlFor = id; label.textContent = bene.descrizione;
    div.appendChild(input); div.appendChild(label);
    f.querySelector(".elenco-beni").appendChild(div);
    return input;
  }

  function mappa(f) {
    var div = f.querySelector(".mappa-beni");
    if (!window.L || !div || div.civicoMappa || !div.dataset.lat || div.dataset.lat === "None") return;
    div.hidden = false;
    var centro = L.latLng(parseFloat(div.dataset.lat), parseFloat(div.dataset.lon));
    var m = L.map(div, { keyboard: true, tap: true }).setView(centro, 18);
    div.civicoMappa = m;
    L.tileLayer(div.dataset.tileUrl, { maxZoom: 20, maxNativeZoom: 19, attribution: div.dataset.attribuzione }).addTo(m);
    L.marker(centro, { keyboard: false, interactive: false }).addTo(m);
    var strato = L.layerGroup().addTo(m);
    var visti = {};
    function carica() {
      var b = m.getBounds();
      var url = f.dataset.urlBeni + "?bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
      fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (dati) {
          dati.features.forEach(function (ft) {
            var p = ft.properties;
            if (visti[p.id]) return;
            visti[p.id] = true;
            var c = ft.geometry.coordinates;
            L.circleMarker([c[1], c[0]], { radius: 9, color: "#1a6b2f", weight: 2, fillOpacity: 0.5, className: "bene-sulla-mappa bene-id-" + p.id })
              .bindTooltip(p.descrizione)
              .on("click", function () {
                var input = radio(f, p);
                input.checked = true;
                input.dispatchEvent(new Event("change", { bubbles: true }));
                input.focus();
              })
              .addTo(strato);
          });
        }).catch(function () { /* the list still works without the map's extra assets */ });
    }
    m.on("moveend", carica);
    carica();
  }

  categoria.addEventListener("change", aggiorna);
  aggiorna();
})();
