// "Use my position": the browser's location → the comune that contains it (our JSON endpoint).
// The button stays hidden where geolocation or fetch are missing; the name search always works.
(function () {
  "use strict";
  var bottone = document.getElementById("usa-posizione");
  if (!bottone || !navigator.geolocation || !window.fetch) return;
  var esito = document.getElementById("esito-posizione");
  var d = bottone.dataset;
  bottone.hidden = false;

  function mostra(testo, url) {
    esito.textContent = "";
    if (!url) { esito.textContent = testo; return; }
    var a = document.createElement("a");
    a.href = url;
    a.textContent = testo;
    esito.appendChild(a);
  }

  bottone.addEventListener("click", function () {
    mostra(d.attendi);
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = d.url + "?lat=" + pos.coords.latitude.toFixed(6) + "&lon=" + pos.coords.longitude.toFixed(6);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (dati) {
          var c = dati.comune;
          if (!c) mostra(d.fuori);
          else if (c.attivo) mostra(d.attivo.replace("%(nome)s", c.nome), c.url);
          else mostra(d.nonAttivo.replace("%(nome)s", c.nome));
        })
        .catch(function () { mostra(d.negata); });
    }, function () { mostra(d.negata); }, { timeout: 15000, maximumAge: 600000 });
  });
})();
