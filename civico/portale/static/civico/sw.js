/* Civico's service worker. Served at /sw.js by civico.portale.views_pwa, which prepends
   `self.CIVICO = {shell, offline, versione}`.
   - Caches the app shell (styles, scripts, icons, the offline page) on install.
   - Pages: network first, the offline page when the network is gone.
   - The final submission of a report (POST /segnala/<uuid>/invia/): when it cannot reach the
     server it is kept in IndexedDB and sent again when the connection returns. The draft's
     idempotency key travels in the form and the server sends each draft once, so a replay
     (or the original arriving late) never makes a second report. */
"use strict";

var CONFIG = self.CIVICO || { shell: [], offline: "/segnala/offline/", versione: "0" };
var CACHE = "civico-shell-" + CONFIG.versione;
var INVIO = /^\/segnala\/[0-9a-f-]{36}\/invia\/$/;
var DB = "civico";
var CODA = "invii";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // One by one: a missing file must not stop the worker from installing.
      return Promise.all(CONFIG.shell.map(function (url) { return cache.add(url).catch(function () {}); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (nomi) {
      return Promise.all(nomi.filter(function (n) { return n.indexOf("civico-shell-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); }).then(svuota)
  );
});

self.addEventListener("fetch", function (event) {
  var richiesta = event.request;
  var url = new URL(richiesta.url);
  if (url.origin !== self.location.origin) return;
  if (richiesta.method === "POST" && INVIO.test(url.pathname)) {
    event.respondWith(inviaOAccoda(richiesta));
  } else if (richiesta.method === "GET" && richiesta.mode === "navigate") {
    event.respondWith(fetch(richiesta).catch(paginaOffline));
  } else if (richiesta.method === "GET" && url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(richiesta).then(function (r) { return r || fetch(richiesta); }));
  }
});

self.addEventListener("message", function (event) {
  var d = event.data || {};
  if (d.tipo === "invia-coda") {
    event.waitUntil(svuota());
  } else if (d.tipo === "stato-coda" && event.source) {
    event.waitUntil(tutti().then(function (voci) { event.source.postMessage({ tipo: "coda", n: voci.length }); }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "invia-coda") event.waitUntil(svuota());
});

function paginaOffline() {
  return caches.match(CONFIG.offline).then(function (r) {
    return r || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}

function inviaOAccoda(richiesta) {
  var copia = richiesta.clone();
  return fetch(richiesta).catch(function () {
    return copia.text().then(function (corpo) {
      return accoda({
        url: copia.url, corpo: corpo, tipo: copia.headers.get("Content-Type") || "application/x-www-form-urlencoded",
        quando: Date.now()
      });
    }).then(function () {
      if (self.registration.sync) self.registration.sync.register("invia-coda").catch(function () {});
      return paginaOffline();
    });
  });
}

// --- The queue in IndexedDB: one entry per draft URL, so a second offline click replaces it.
function apri() {
  return new Promise(function (ok, ko) {
    var r = indexedDB.open(DB, 1);
    r.onupgradeneeded = function () { r.result.createObjectStore(CODA, { keyPath: "url" }); };
    r.onsuccess = function () { ok(r.result); };
    r.onerror = function () { ko(r.error); };
  });
}
function transazione(modo, fn) {
  return apri().then(function (db) {
    return new Promise(function (ok, ko) {
      var t = db.transaction(CODA, modo);
      var risultato = fn(t.objectStore(CODA));
      t.oncomplete = function () { db.close(); ok(risultato && risultato.result); };
      t.onerror = function () { db.close(); ko(t.error); };
    });
  });
}
function accoda(voce) { return transazione("readwrite", function (s) { return s.put(voce); }); }
function togli(url) { return transazione("readwrite", function (s) { return s.delete(url); }); }
function tutti() { return transazione("readonly", function (s) { return s.getAll(); }).then(function (v) { return v || []; }); }

var inCorso = null;
function svuota() {
  if (!inCorso) inCorso = svuotaOra().then(function () { inCorso = null; }, function () { inCorso = null; });
  return inCorso;
}
function svuotaOra() {
  return tutti().then(function (voci) {
    return voci.reduce(function (catena, voce) {
      return catena.then(function () {
        return fetch(voce.url, {
          method: "POST", body: voce.corpo, credentials: "same-origin", redirect: "follow",
          headers: { "Content-Type": voce.tipo }
        }).then(function (risposta) {
          if (risposta.status >= 500) return;  // try again later
          // Whatever the answer, the confirmation page knows what became of the draft.
          var arrivo = risposta.redirected ? risposta.url : voce.url.replace(/invia\/$/, "inviata/");
          var bozza = voce.url.replace(/invia\/$/, "");
          return togli(voce.url).then(function () { return avvisa(bozza, { tipo: "inviata", url: arrivo }); });
        });
      });
    }, Promise.resolve());
  });
}
// Only the windows on that draft's pages move on to its confirmation.
function avvisa(bozza, messaggio) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (finestre) {
    finestre.forEach(function (f) { if (f.url.indexOf(bozza) === 0) f.postMessage(messaggio); });
  });
}

// --- Web Push (civico.comunicazioni): show the notification; a click opens its page.
self.addEventListener("push", function (event) {
  var d = {};
  try { d = event.data ? event.data.json() : {}; } catch (e) { d = { body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(d.title || "Civico", {
    body: d.body || "", tag: d.tag || undefined, data: { url: d.url || "/" },
    icon: CONFIG.shell.filter(function (u) { return u.indexOf("icona-192") >= 0; })[0]
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (finestre) {
    for (var i = 0; i < finestre.length; i++) {
      if (finestre[i].url === url.href && "focus" in finestre[i]) return finestre[i].focus();
    }
    return self.clients.openWindow(url.href);
  }));
});

// The browser renewed the subscription: tell the server (the session cookie says who).
self.addEventListener("pushsubscriptionchange", function (event) {
  var vecchio = event.oldSubscription;
  var opzioni = vecchio ? vecchio.options : null;
  event.waitUntil((opzioni ? self.registration.pushManager.subscribe(opzioni) : Promise.reject())
    .then(function (nuovo) {
      return fetch("/comunicazioni/push/", {
        method: "POST", credentials: "same-origin", body: JSON.stringify(nuovo.toJSON()),
        headers: { "Content-Type": "application/json" }
      });
    }).catch(function () {}));
});
