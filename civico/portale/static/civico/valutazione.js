// The satisfaction rating without a page reload. Without JavaScript the form posts and the page
// comes back with a message: this only saves the round trip.
(function () {
  "use strict";
  var form = document.querySelector("form[data-valutazione]");
  if (!form || !window.fetch || !window.FormData) return;
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
