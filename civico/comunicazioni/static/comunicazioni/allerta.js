/* The alert's circle: a tap on the map sets the centre (hidden lat/lon), the radius field its size. */
"use strict";
(function () {
  var div = document.getElementById("mappa-allerta");
  if (!div || !window.L) return;
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var raggio = document.getElementById("raggio_m");
  var mappa = L.map(div);
  var riquadro = JSON.parse(div.dataset.riquadro || "null");
  if (riquadro) mappa.fitBounds(riquadro); else mappa.setView([41.9, 12.5], 6);
  if (div.dataset.tileUrl) L.tileLayer(div.dataset.tileUrl, { maxZoom: 19, attribution: div.dataset.tileAttribuzione }).addTo(mappa);
  var cerchio = null;
  function disegna() {
    if (!lat.value || !lon.value) return;
    var centro = [parseFloat(lat.value), parseFloat(lon.value)];
    var r = parseInt(raggio.value, 10) || 500;
    if (cerchio) cerchio.setLatLng(centro).setRadius(r); else cerchio = L.circle(centro, { radius: r }).addTo(mappa);
  }
  mappa.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
    var cerchioRadio = document.getElementById("area-cerchio");
    if (cerchioRadio) cerchioRadio.checked = true;
    disegna();
  });
  raggio.addEventListener("input", disegna);
  disegna();
})();
