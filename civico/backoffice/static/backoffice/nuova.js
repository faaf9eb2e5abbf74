// Intake form: a click on the map sets the coordinates (typing them, or an address, works too).
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var elemento = document.getElementById("mappa-nuova");
    if (!elemento || typeof L === "undefined") return;
    var lat = document.getElementById("lat"), lon = document.getElementById("lon");
    var centro = [parseFloat(elemento.dataset.lat), parseFloat(elemento.dataset.lon)];
    var mappa = L.map(elemento).setView(centro, 13);
    L.tileLayer(elemento.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap contributors" }).addTo(mappa);
    var segno = null;
    mappa.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
      if (segno) segno.setLatLng(e.latlng); else segno = L.marker(e.latlng).addTo(mappa);
    });
  });
})();
