/* The reporting flow in the browser: progressive enhancement of server-rendered steps.
   Everything works without this file; with it: the draft mirrored in localStorage (offline),
   category search and questions, uploads with previews and size checks before sending,
   likely duplicates while typing, one submission per click, and the offline queue (sw.js). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var radice = document.getElementById("flusso");
  if (!radice) return;
  var bozza = radice.dataset.bozza;
  var passo = radice.dataset.passo;
  var modulo = document.getElementById("modulo");

  document.querySelectorAll(".js-solo").forEach(function (el) { el.hidden = false; });

  function formato(testo, valori) {
    return testo.replace(/%\((\w+)\)s/g, function (_, k) { return valori[k] == null ? "" : valori[k]; });
  }
  function csrf() {
    var campo = document.querySelector("input[name=csrfmiddlewaretoken]");
    return campo ? campo.value : "";
  }
  function annuncia(id, testo) {
    var el = document.getElementById(id);
    if (el) { el.textContent = ""; setTimeout(function () { el.textContent = testo; }, 50); }
  }
  function dimensione(n) {
    return n < 1024 * 1024 ? Math.ceil(n / 1024) + " KB" : (n / 1024 / 1024).toFixed(1).replace(".", ",") + " MB";
  }

  // --- Service worker: the shell offline, and the final submission queued when offline.
  if ("serviceWorker" in navigator && radice.dataset.sw) {
    navigator.serviceWorker.register(radice.dataset.sw, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) {
      var d = e.data || {};
      if (d.tipo === "inviata" && d.url) {
        var coda = document.getElementById("coda-offline");
        if (coda) annuncia("coda-offline", coda.dataset.msgInviata);
        window.location.assign(d.url);
      } else if (d.tipo === "coda") {
        mostraCoda(d.n);
      }
    });
  }
  function alSW(messaggio) {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage(messaggio);
      return true;
    }
    return false;
  }
  function mostraCoda(n) {
    var coda = document.getElementById("coda-offline");
    var senza = document.getElementById("senza-coda");
    if (coda) coda.hidden = !(n > 0);
    if (senza) senza.hidden = n > 0;
  }
  if (navigator.onLine) alSW({ tipo: "invia-coda" });
  if (document.querySelector("[data-offline]")) {
    alSW({ tipo: "stato-coda" });
    navigator.serviceWorker && navigator.serviceWorker.ready.then(function () { alSW({ tipo: "stato-coda" }); });
  }

  // --- Network state.
  var statoRete = document.getElementById("stato-rete");
  function aggiornaRete() {
    if (!statoRete) return;
    statoRete.hidden = navigator.onLine;
    statoRete.textContent = navigator.onLine ? "" : radice.dataset.msgOffline;
  }
  window.addEventListener("offline", aggiornaRete);
  window.addEventListener("online", function () { aggiornaRete(); alSW({ tipo: "invia-coda" }); });
  aggiornaRete();

  // --- The error summary takes the focus, so the keyboard starts where the fixes are.
  var errori = document.getElementById("errori");
  if (errori && !location.hash) errori.focus();

  // --- The draft mirrored in localStorage, per step and per server revision of that step:
  //     what was typed on top of the current revision and not saved comes back after a reload.
  var CHIAVE = bozza && passo ? "civico:bozza:" + bozza + ":" + passo : null;
  function campiMirror() {
    return Array.prototype.filter.call(modulo.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.disabled &&
        ["hidden", "file", "submit", "button", "search"].indexOf(el.type) < 0;
    });
  }
  function leggi() {
    var valori = {};
    campiMirror().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        valori[el.name] = valori[el.name] || [];
        if (el.checked) valori[el.name].push(el.value);
      } else {
        valori[el.name] = el.value;
      }
    });
    return valori;
  }
  function scrivi(valori) {
    var cambiati = false;
    campiMirror().forEach(function (el) {
      if (!(el.name in valori)) return;
      var v = valori[el.name];
      if (el.type === "radio" || el.type === "checkbox") {
        var si = v.indexOf(el.value) >= 0;
        if (el.checked === si) return;
        el.checked = si; cambiati = true;
      } else if (el.value !== v) {
        el.value = v; cambiati = true;
      } else {
        return;
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return cambiati;
  }
  function salvaLocale(offline) {
    if (!CHIAVE) return;
    try {
      localStorage.setItem(CHIAVE, JSON.stringify({ rev: modulo.dataset.rev, valori: leggi(), offline: !!offline }));
    } catch (e) { /* storage full or disabled: the server keeps the draft anyway */ }
  }
  if (modulo && CHIAVE) {
    modulo.addEventListener("input", function () { salvaLocale(false); });
    modulo.addEventListener("change", function () { salvaLocale(false); });
    modulo.addEventListener("submit", function (e) {
      if (!navigator.onLine) {
        e.preventDefault();
        salvaLocale(true);
        aggiornaRete();
        if (statoRete) { statoRete.setAttribute("tabindex", "-1"); statoRete.focus(); }
      }
    });
  }

  // --- Step "disservizio": category search, its questions, suggestions and duplicates.
  var categoria = document.getElementById("campo-categoria");
  var cerca = document.getElementById("cerca-categoria");
  function normalizza(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  if (cerca && categoria) {
    cerca.addEventListener("input", function () {
      var q = normalizza(cerca.value.trim());
      var n = 0;
      categoria.querySelectorAll("optgroup").forEach(function (g) {
        var visibili = 0;
        g.querySelectorAll("option").forEach(function (o) {
          var si = !q || normalizza(o.textContent + " " + g.label).indexOf(q) >= 0;
          o.hidden = !si; o.disabled = !si && !o.selected;
          if (si) visibili++;
        });
        g.hidden = visibili === 0;
        n += visibili;
      });
      annuncia("cerca-categoria-stato", formato(n === 1 ? cerca.dataset.msgTrovata : cerca.dataset.msgTrovate, { n: n }));
    });
    cerca.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); categoria.focus(); }
    });
  }
  function mostraDomande() {
    if (!categoria) return;
    document.querySelectorAll("fieldset[data-categoria]").forEach(function (f) {
      var si = f.dataset.categoria === categoria.value;
      f.hidden = !si; f.disabled = !si;
    });
  }
  var timerSuggerimenti = null;
  function suggerimenti() {
    if (!modulo || !modulo.dataset.urlSuggerimenti || !navigator.onLine) return;
    clearTimeout(timerSuggerimenti);
    timerSuggerimenti = setTimeout(function () {
      var titolo = document.getElementById("campo-titolo");
      var dettagli = document.getElementById("campo-descrizione");
      var url = modulo.dataset.urlSuggerimenti + "?categoria=" + encodeURIComponent(categoria.value) +
        "&testo=" + encodeURIComponent((titolo ? titolo.value : "") + " " + (dettagli ? dettagli.value : ""));
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          var box = document.getElementById("duplicati");
          if (box && box.innerHTML.trim() !== d.html.trim()) box.innerHTML = d.html;
          var s = document.getElementById("categoria-suggerita");
          if (!s) return;
          var bottone = s.querySelector("button");
          if (d.categoria_suggerita && !categoria.value) {
            s.querySelector(".testo").textContent = formato(s.dataset.msg, { nome: d.categoria_suggerita.nome });
            bottone.hidden = false;
            bottone.onclick = function () {
              categoria.value = d.categoria_suggerita.codice;
              categoria.dispatchEvent(new Event("change", { bubbles: true }));
              categoria.focus();
            };
          } else {
            s.querySelector(".testo").textContent = "";
            bottone.hidden = true;
          }
        })
        .catch(function () {});
    }, 400);
  }
  if (categoria) {
    mostraDomande();
    categoria.addEventListener("change", function () { mostraDomande(); suggerimenti(); });
    ["campo-titolo", "campo-descrizione"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", suggerimenti);
    });
  }

  // --- Files: checked here before upload (the server checks again), uploaded one by one.
  var elencoFile = document.getElementById("elenco-file");
  var erroreFile = document.getElementById("campo-foto-errore");
  var statoFile = document.getElementById("file-stato");
  function mostraErroriFile(messaggi) {
    if (!erroreFile) return;
    erroreFile.innerHTML = "";
    messaggi.forEach(function (m) {
      var p = document.createElement("p"); p.className = "mb-1"; p.textContent = m; erroreFile.appendChild(p);
    });
    erroreFile.hidden = messaggi.length === 0;
    document.querySelectorAll("#campo-foto, #campo-documenti").forEach(function (i) {
      if (messaggi.length) i.setAttribute("aria-invalid", "true"); else i.removeAttribute("aria-invalid");
    });
  }
  function carica(input) {
    var file = Array.prototype.slice.call(input.files || []);
    if (!file.length || !modulo.dataset.urlAllegati) return;
    var massimo = parseInt(input.dataset.maxBytes, 10);
    var quanti = parseInt(input.dataset.maxFile, 10);
    var gia = elencoFile ? elencoFile.children.length : 0;
    var messaggi = [];
    var daInviare = [];
    file.forEach(function (f) {
      if (f.size > massimo) {
        messaggi.push(formato(statoFile.dataset.msgTroppoGrande,
          { nome: f.name, dimensione: dimensione(f.size), massimo: input.dataset.maxTesto }));
      } else if (gia + daInviare.length >= quanti) {
        messaggi.push(formato(statoFile.dataset.msgTroppi, { massimo: quanti }));
      } else {
        daInviare.push(f);
      }
    });
    mostraErroriFile(messaggi);
    input.value = "";
    var catena = Promise.resolve();
    daInviare.forEach(function (f) {
      catena = catena.then(function () {
        annuncia("file-stato", formato(statoFile.dataset.msgCaricamento, { nome: f.name }));
        var dati = new FormData();
        dati.append("file", f, f.name);
        return fetch(modulo.dataset.urlAllegati, {
          method: "POST", body: dati, credentials: "same-origin",
          headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
        }).then(function (r) { return r.json(); }).then(function (d) {
          (d.file || []).forEach(function (html) { elencoFile.insertAdjacentHTML("beforeend", html); });
          if (d.errori && d.errori.length) {
            messaggi = messaggi.concat(d.errori);
            mostraErroriFile(messaggi);
          } else {
            annuncia("file-stato", formato(statoFile.dataset.msgCaricato, { nome: f.name }));
          }
          var proposta = document.getElementById("proposta-luogo");
          if (proposta && typeof d.proposta === "string") proposta.innerHTML = d.proposta;
        }).catch(function () {
          messaggi.push(statoFile.dataset.msgErroreRete);
          mostraErroriFile(messaggi);
        });
      });
    });
  }
  document.querySelectorAll("#campo-foto, #campo-documenti").forEach(function (input) {
    input.addEventListener("change", function () { carica(input); });
  });
  if (elencoFile) {
    elencoFile.addEventListener("click", function (e) {
      var bottone = e.target.closest(".rimuovi-file");
      if (!bottone) return;
      e.preventDefault();
      fetch(bottone.getAttribute("formaction"), {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
      }).then(function (r) {
        if (!r.ok) return;
        var voce = bottone.closest("li");
        var prossimo = voce.nextElementSibling || voce.previousElementSibling;
        voce.remove();
        annuncia("file-stato", statoFile.dataset.msgRimosso);
        (prossimo ? prossimo.querySelector("button") : document.getElementById("campo-foto")).focus();
      });
    });
  }

  // --- Step "autore": the contacts only when the citizen chooses to leave them.
  var contatti = document.getElementById("contatti");
  document.querySelectorAll("input[name=anonimo]").forEach(function (r) {
    r.addEventListener("change", function () {
      if (contatti) contatti.hidden = document.getElementById("campo-anonimo-si").checked;
    });
  });

  // --- Final submission: one click is one submission (the server is idempotent anyway).
  var invio = document.querySelector("form[data-invio-finale]");
  if (invio) {
    invio.addEventListener("submit", function (e) {
      if (invio.dataset.inviato) { e.preventDefault(); return; }
      if (!navigator.onLine && !(navigator.serviceWorker && navigator.serviceWorker.controller)) {
        e.preventDefault();
        aggiornaRete();
        return;
      }
      invio.dataset.inviato = "1";
      var b = document.getElementById("invia");
      if (b) {
        b.setAttribute("aria-disabled", "true");
        b.textContent = invio.dataset.msgInvio;
      }
      invio.setAttribute("aria-busy", "true");
    });
  }

  // --- Confirmation: the browser's copy of the draft is no longer needed.
  if (document.querySelector("[data-conferma]") && bozza) {
    try {
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("civico:bozza:" + bozza + ":") === 0) localStorage.removeItem(k);
      });
    } catch (e) { /* nothing to clean */ }
  }

  // Last, so every listener above sees the restored values.
  function ripristina() {
    if (!modulo || !CHIAVE) return;
    try {
      var salvato = JSON.parse(localStorage.getItem(CHIAVE) || "null");
      if (salvato && salvato.rev === modulo.dataset.rev && !errori && scrivi(salvato.valori)) {
        var avviso = document.createElement("div");
        avviso.className = "alert alert-info";
        avviso.setAttribute("role", "status");
        avviso.textContent = radice.dataset.msgRecuperati;
        modulo.parentNode.insertBefore(avviso, modulo);
      }
    } catch (e) { /* a corrupt entry is ignored */ }
  }
  ripristina();
})();
