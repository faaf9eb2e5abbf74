// The satisfaction rating without a page reload. Without JavaScript the form posts and the page
// comes back with a message: this only saves the round trip.
(function () {
  "use strict";
  var form = document.querySelector("form[data-valutazione]");
  if (!form) return;
  // The model's follow-up: after 1-3 stars "where did you struggle?", after 4-5 "what did you
  // like?", then the free text. Without JavaScript both questions stay visible.
  var seguito = form.querySelector("[data-seguito]");
  var lati = form.querySelectorAll("[data-lato]");
  function mostraSeguito(voto) {
    seguito.hidden = !voto;
    lati.forEach(function (lato) {
      var nascosto = !voto || (lato.getAttribute("data-lato") === "positivo") !== (voto > 3);
      lato.hidden = nascosto;
      if (nascosto) lato.querySelectorAll("input").forEach(function (i) { i.checked = false; });
    });
  }
  if (seguito) {
    var scelto = form.querySelector("input[name=voto]:checked");
    mostraSeguito(scelto ? Number(scelto.value) : 0);
    form.addEventListener("change", function (ev) {
      if (ev.target.name === "voto") mostraSeguito(Number(ev.target.value));
    });
  }
  if (!window.fetch || !window.FormData) return;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Civico-Valutazione": "1" }
    }).then(function (risposta) {
      return risposta.text().then(function (html) { return { ok: risposta.ok, html: html }; });
    }).then(function (r) {
      var vecchio = form.parentNode.querySelector("[data-esito]");
      if (vecchio) vecchio.remove();
      var box = document.createElement("div");
      box.setAttribute("data-esito", "");
      box.innerHTML = r.html;
      if (r.ok) form.replaceWith(box); else form.before(box);
      var messaggio = box.querySelector("[role=status]");
      if (messaggio) messaggio.focus();
    }).catch(function () { form.submit(); });
  });
})();
