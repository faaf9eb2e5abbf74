/* Step "luogo": the address combobox (WAI-ARIA 1.2 pattern) and the Leaflet map with a draggable
   pin. The address alone is enough: typing one clears the pin, choosing a suggestion moves it, and
   moving the pin replaces the address with the one found there (saying so): the two always agree. */
(function () {
  "use strict";
  var modulo = document.getElementById("modulo");
  var indirizzo = document.getElementById("campo-indirizzo");
  var lista = document.getElementById("indirizzi-suggeriti");
  var ente = document.getElementById("campo-ente");
  var lat = document.getElementById("campo-lat");
  var lon = document.getElementById("campo-lon");
  var trovato = document.getElementById("luogo-trovato");
  var togli = document.getElementById("togli-punto");
  var divMappa = document.getElementById("mappa");
  if (!modulo || !indirizzo || !lista) return;

  function formato(testo, valori) {
    return testo.replace(/%\((\w+)\)s/g, function (_, k) { return valori[k] == null ? "" : valori[k]; });
  }
  function annuncia(el, testo) { el.textContent = ""; setTimeout(function () { el.textContent = testo; }, 50); }

  // --- Map.
  var mappa = null;
  var segnaposto = null;
  if (window.L && divMappa) {
    divMappa.hidden = false;
    mappa = L.map(divMappa, { keyboard: true, tap: true });
    divMappa.civicoMappa = mappa;  // for the other layers of this step (flusso-vicine.js)
    L.tileLayer(divMappa.dataset.tileUrl, { maxZoom: 19, attribution: divMappa.dataset.attribuzione }).addTo(mappa);
    var riquadro = JSON.parse(divMappa.dataset.riquadro);
    if (lat.value && lon.value) {
      mappa.setView([parseFloat(lat.value), parseFloat(lon.value)], 18);
      metti(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), false);
    } else {
      mappa.fitBounds(riquadro);
    }
    mappa.on("click", function (e) { metti(e.latlng, true); });
    // Keyboard: Enter on the focused map drops the pin at its centre.
    divMappa.addEventListener("keydown", function (e) {
      if (e.target === divMappa && e.key === "Enter") { e.preventDefault(); metti(mappa.getCenter(), true); }
    });
  }

  function metti(punto, chiedi) {
    if (!mappa) return;
    if (!segnaposto) {
      segnaposto = L.marker(punto, {
        draggable: true, keyboard: true, autoPan: true,
        title: divMappa.dataset.msgSegnaposto, alt: divMappa.dataset.msgSegnaposto
      }).addTo(mappa);
      segnaposto.on("dragend", function () { scegli(segnaposto.getLatLng()); });
      // Keyboard: arrows move the focused pin by a few metres.
      segnaposto.getElement().addEventListener("keydown", function (e) {
        var passi = { ArrowUp: [0, -8], ArrowDown: [0, 8], ArrowLeft: [-8, 0], ArrowRight: [8, 0] };
        if (!passi[e.key]) return;
        e.preventDefault(); e.stopPropagation();
        var p = mappa.latLngToContainerPoint(segnaposto.getLatLng()).add(passi[e.key]);
        segnaposto.setLatLng(mappa.containerPointToLatLng(p));
        clearTimeout(segnaposto._timer);
        segnaposto._timer = setTimeout(function () { scegli(segnaposto.getLatLng()); }, 500);
      });
    } else {
      segnaposto.setLatLng(punto);
    }
    if (chiedi) scegli(punto);
  }

  // tieniIndirizzo: the pin was put on the address just chosen, which stays as written.
  function scegli(punto, tieniIndirizzo) {
    lat.value = punto.lat.toFixed(7);
    lon.value = punto.lng.toFixed(7);
    if (togli) togli.hidden = false;
    lat.dispatchEvent(new Event("change", { bubbles: true }));
    var url = divMappa.dataset.urlPunto + "?lat=" + lat.value + "&lon=" + lon.value;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        trovato.classList.toggle("errore-campo", !d.ok);
        if (!d.ok) { annuncia(trovato, d.errore); return; }
        var testo = d.indirizzo ? formato(trovato.dataset.msgTrovato, { comune: d.comune, indirizzo: d.indirizzo })
          : formato(trovato.dataset.msgComune, { comune: d.comune });
        var prima = indirizzo.value.trim();
        if (d.indirizzo && !tieniIndirizzo && prima !== d.indirizzo) {
          // The point wins: an address of another place must not stay next to it.
          indirizzo.value = d.indirizzo;
          indirizzo.dispatchEvent(new Event("change", { bubbles: true }));
          if (prima) testo += " " + formato(trovato.dataset.msgSostituito, { prima: prima, indirizzo: d.indirizzo });
        }
        if (ente && d.ente) ente.value = d.ente;
        annuncia(trovato, testo);
      })
      .catch(function () {});
  }

  function togliPunto() {
    lat.value = ""; lon.value = "";
    lat.dispatchEvent(new Event("change", { bubbles: true }));
    if (segnaposto) { mappa.removeLayer(segnaposto); segnaposto = null; }
    if (togli) togli.hidden = true;
    trovato.textContent = "";
    trovato.classList.remove("errore-campo");
  }
  if (togli) togli.addEventListener("click", function () { togliPunto(); indirizzo.focus(); });

  var posizione = document.getElementById("usa-posizione");
  if (posizione) {
    if (!("geolocation" in navigator)) posizione.hidden = true;
    posizione.addEventListener("click", function () {
      annuncia(trovato, posizione.dataset.msgAttendi);
      navigator.geolocation.getCurrentPosition(function (p) {
        var punto = L.latLng(p.coords.latitude, p.coords.longitude);
        if (mappa) mappa.setView(punto, 18);
        metti(punto, true);
      }, function () {
        annuncia(trovato, posizione.dataset.msgErrore);
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // --- Address combobox.
  var risultati = [];
  var attivo = -1;
  var timer = null;
  var stato = document.getElementById("indirizzi-stato");
  var avvisoCivico = document.getElementById("indirizzi-avviso");

  function chiudi() {
    lista.hidden = true;
    lista.innerHTML = "";
    indirizzo.setAttribute("aria-expanded", "false");
    indirizzo.removeAttribute("aria-activedescendant");
    attivo = -1;
  }
  function evidenzia(i) {
    var voci = lista.querySelectorAll("[role=option]");
    voci.forEach(function (v, j) { v.setAttribute("aria-selected", j === i ? "true" : "false"); });
    attivo = i;
    if (i >= 0 && voci[i]) {
      indirizzo.setAttribute("aria-activedescendant", voci[i].id);
      voci[i].scrollIntoView({ block: "nearest" });
    } else {
      indirizzo.removeAttribute("aria-activedescendant");
    }
  }
  function mostra(elenco) {
    risultati = elenco;
    lista.innerHTML = "";
    elenco.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "indirizzo-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = r.testo;
      if (r.quartiere || r.cap) {
        var dettaglio = document.createElement("small");
        dettaglio.textContent = " " + [r.cap, r.quartiere].filter(Boolean).join(" · ");
        li.appendChild(dettaglio);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); conferma(i); });
      lista.appendChild(li);
    });
    var aperta = elenco.length > 0;
    lista.hidden = !aperta;
    indirizzo.setAttribute("aria-expanded", aperta ? "true" : "false");
    attivo = -1;
    var frase = elenco.length === 1 ? indirizzo.dataset.msgRisultato : indirizzo.dataset.msgRisultati;
    annuncia(stato, aperta ? formato(frase, { n: elenco.length }) : indirizzo.dataset.msgNessuno);
  }
  function conferma(i) {
    var r = risultati[i];
    if (!r) return;
    indirizzo.value = r.testo;
    chiudi();
    if (mappa) {
      mappa.setView([r.lat, r.lon], 18);
      metti(L.latLng(r.lat, r.lon), false);
      scegli(L.latLng(r.lat, r.lon), true);
    } else {
      lat.value = r.lat; lon.value = r.lon;
    }
  }
  function cerca() {
    var q = indirizzo.value.trim();
    if (q.length < 3 || !ente || !ente.value) { chiudi(); return; }
    var url = indirizzo.dataset.url + "?ente=" + encodeURIComponent(ente.value) + "&q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (indirizzo.value.trim() !== q) return;
        mostra(d.risultati || []);
        if (d.avviso) annuncia(stato, d.avviso);
        avvisoCivico.textContent = d.avviso || "";
        avvisoCivico.hidden = !d.avviso;
      })
      .catch(function () { chiudi(); });
  }

  indirizzo.addEventListener("input", function () {
    // What is typed now decides the place: the pin no longer applies.
    if (lat.value) togliPunto();
    clearTimeout(timer);
    timer = setTimeout(cerca, 250);
  });
  indirizzo.addEventListener("keydown", function (e) {
    var aperta = !lista.hidden && risultati.length > 0;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!aperta) { cerca(); return; }
      evidenzia((attivo + 1) % risultati.length);
    } else if (e.key === "ArrowUp" && aperta) {
      e.preventDefault();
      evidenzia(attivo <= 0 ? risultati.length - 1 : attivo - 1);
    } else if (e.key === "Enter" && aperta && attivo >= 0) {
      e.preventDefault();
      conferma(attivo);
    } else if (e.key === "Escape" && aperta) {
      e.preventDefault();
      chiudi();
    }
  });
  indirizzo.addEventListener("blur", function () { setTimeout(chiudi, 150); });
  if (ente) ente.addEventListener("change", function () { chiudi(); });
})();
