// Leaflet maps of the backoffice: the report and its neighbours (a list beside it says the same).
(function () {
  function disegna(elemento) {
    if (elemento._leaflet_id || typeof L === "undefined") return;
    var punti = JSON.parse(document.getElementById(elemento.dataset.punti).textContent);
    var mappa = L.map(elemento, { scrollWheelZoom: false });
    L.tileLayer(elemento.dataset.tiles, {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(mappa);
    var confini = [];
    punti.forEach(function (p) {
      var segno = p.questa
        ? L.marker([p.lat, p.lon])
        : L.circleMarker([p.lat, p.lon], { radius: 6, color: "#5d7083" });
      segno.bindTooltip(p.codice + " · " + p.titolo).addTo(mappa);
      confini.push([p.lat, p.lon]);
    });
    if (confini.length > 1) mappa.fitBounds(confini, { padding: [20, 20], maxZoom: 18 });
    else mappa.setView(confini[0], 17);
  }
  // A report to be located: a click puts the point into the form's latitude and longitude.
  function localizza(elemento) {
    if (elemento._leaflet_id || typeof L === "undefined") return;
    var centro = elemento.dataset.centro.split(",").map(Number);
    var mappa = L.map(elemento).setView(centro, 15);
    L.tileLayer(elemento.dataset.tiles, {
      maxZoom: 19, attribution: "&copy; OpenStreetMap contributors"
    }).addTo(mappa);
    var modulo = document.getElementById(elemento.dataset.modulo);
    var segno = null;
    mappa.on("click", function (e) {
      if (segno) segno.setLatLng(e.latlng); else segno = L.marker(e.latlng).addTo(mappa);
      modulo.elements.lat.value = e.latlng.lat.toFixed(7);
      modulo.elements.lon.value = e.latlng.lng.toFixed(7);
    });
  }
  function tutte(radice) {
    (radice || document).querySelectorAll("[data-mappa]").forEach(disegna);
    (radice || document).querySelectorAll("[data-mappa-localizza]").forEach(localizza);
  }
  document.addEventListener("DOMContentLoaded", function () { tutte(); });
  document.addEventListener("htmx:load", function (evento) { tutte(evento.target); });
})();
