/* Subscribe this device to Web Push: register the site-wide service worker, ask the VAPID key,
   pushManager.subscribe, post the subscription (JSON, same origin) to the server. */
"use strict";
(function () {
  var box = document.getElementById("push-dispositivo");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  box.hidden = false;
  var attiva = box.querySelector("[data-azione=attiva]");
  var disattiva = box.querySelector("[data-azione=disattiva]");
  var esito = box.querySelector("[data-esito]");

  function chiave(b64) {
    var s = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function invia(url, dati) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(dati),
                        headers: { "Content-Type": "application/json" } });
  }
  function mostra(abbonato) { attiva.hidden = abbonato; disattiva.hidden = !abbonato; }

  var pronto = navigator.serviceWorker.register(box.dataset.sw, { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; });
  pronto.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (a) { mostra(!!a); }).catch(function () {});

  attiva.addEventListener("click", function () {
    Promise.all([pronto, fetch(box.dataset.chiave).then(function (r) { return r.json(); })])
      .then(function (x) {
        return x[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: chiave(x[1].chiave) });
      })
      .then(function (a) { return invia(box.dataset.salva, a.toJSON()); })
      .then(function (r) { if (!r.ok) throw new Error(r.status); mostra(true); esito.textContent = box.dataset.ok; })
      .catch(function () { esito.textContent = box.dataset.errore; });
  });
  disattiva.addEventListener("click", function () {
    pronto.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (a) {
      if (!a) return;
      return invia(box.dataset.elimina, { endpoint: a.endpoint }).then(function () { return a.unsubscribe(); });
    }).then(function () { mostra(false); esito.textContent = ""; }).catch(function () {});
  });
})();
