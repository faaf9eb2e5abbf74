// The hotspots on a map: one circle per zone (its centre and the farthest report), sized by the
// reports it holds; a click opens the list of those reports. The same zones are in the table
// below the map, so the map is a view, never the only way in.
(function () {
  "use strict";
  var elemento = document.getElementById("mappa-hotspot");
  var dati = document.getElementById("dati-hotspot");
  if (!elemento || !dati || typeof L === "undefined") return;
  var zone = JSON.parse(dati.textContent || "[]");
  if (!zone.length) { elemento.hidden = true; return; }
  var mappa = L.map(elemento);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap",
  }).addTo(mappa);
  var limiti = [];
  zone.forEach(function (z) {
    var cerchio = L.circle([z.lat, z.lon], { radius: z.r, color: "#b30000", weight: 2, fillOpacity: 0.25 })
      .addTo(mappa);
    var collegamento = document.createElement("a");
    collegamento.href = z.url;
    collegamento.textContent = z.nome + " · " + z.categoria + " · " + z.n;
    collegamento.className = "hotspot-link";
    cerchio.bindPopup(collegamento);
    cerchio.on("click", function () { cerchio.openPopup(); });
    limiti.push([z.lat, z.lon]);
  });
  mappa.fitBounds(L.latLngBounds(limiti).pad(0.3), { maxZoom: 17 });
})();
