// Drawing a routing zone with plain Leaflet: each click on the map adds a vertex; the polygon is
// written as GeoJSON into the form's "zona" textarea (the server validates it). Editing the
// textarea by hand redraws the map, so the map is a convenience, never the only way in.
(function () {
  "use strict";
  var campo = document.getElementById("id_zona");
  var elemento = document.getElementById("mappa-zona");
  if (!campo || !elemento || typeof L === "undefined") return;

  // No double-click zoom: quick clicks add vertices, they must not zoom the map under the pointer.
  var mappa = L.map(elemento, { doubleClickZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap",
  }).addTo(mappa);

  var confine = JSON.parse(document.getElementById("confine-ente").textContent || "null");
  var livelloConfine = confine
    ? L.geoJSON(confine, { style: { color: "#555", weight: 2, fill: false, dashArray: "4" } }).addTo(mappa)
    : null;

  var vertici = []; // [lat, lng]
  // On the map only while it has vertices: Leaflet cannot project an empty polygon.
  var poligono = L.polygon([], { color: "#0066cc" });
  var punti = L.layerGroup().addTo(mappa);

  function disegna() {
    poligono.setLatLngs(vertici);
    if (vertici.length && !mappa.hasLayer(poligono)) poligono.addTo(mappa);
    if (!vertici.length && mappa.hasLayer(poligono)) mappa.removeLayer(poligono);
    punti.clearLayers();
    vertici.forEach(function (v) {
      L.circleMarker(v, { radius: 4, color: "#0066cc" }).addTo(punti);
    });
  }

  function scrivi() {
    if (vertici.length < 3) {
      campo.value = "";
      return;
    }
    var anello = vertici.map(function (v) { return [v[1], v[0]]; });
    anello.push(anello[0]); // GeoJSON rings are closed
    campo.value = JSON.stringify({ type: "Polygon", coordinates: [anello] });
  }

  function leggi() {
    vertici = [];
    try {
      var g = JSON.parse(campo.value);
      var anello = g.type === "Polygon" ? g.coordinates[0] : g.type === "MultiPolygon" ? g.coordinates[0][0] : [];
      vertici = anello.slice(0, -1).map(function (c) { return [c[1], c[0]]; });
    } catch (e) {
      vertici = [];
    }
    disegna();
  }

  mappa.on("click", function (e) {
    vertici.push([e.latlng.lat, e.latlng.lng]);
    disegna();
    scrivi();
  });
  document.getElementById("zona-annulla").addEventListener("click", function () {
    vertici.pop();
    disegna();
    scrivi();
  });
  document.getElementById("zona-cancella").addEventListener("click", function () {
    vertici = [];
    disegna();
    scrivi();
  });
  campo.addEventListener("change", leggi);

  leggi();
  if (vertici.length >= 3) {
    mappa.fitBounds(poligono.getBounds(), { padding: [20, 20] });
  } else if (livelloConfine) {
    mappa.fitBounds(livelloConfine.getBounds());
  } else {
    mappa.setView([41.9, 12.5], 6);
  }
})();
