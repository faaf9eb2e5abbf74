// Live preview of a comune's notification texts: on input, the server renders the text with the
// example values (views_testi.anteprima) and the box under the field shows it, or what is wrong.
(function () {
  "use strict";
  var form = document.getElementById("testi-notifiche");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-anteprima-url");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var attese = new WeakMap();

  function aggiorna(area) {
    var box = document.getElementById(area.getAttribute("data-anteprima"));
    var dati = new FormData();
    dati.append("testo", area.value);
    dati.append("lingua", area.getAttribute("data-lingua"));
    fetch(url, {method: "POST", body: dati, headers: {"X-CSRFToken": csrf}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j || !box) return;
        box.querySelector(".testo-anteprima").textContent = j.anteprima;
        box.querySelector(".errori-anteprima").textContent = j.errori.join(" ");
      })
      .catch(function () { /* the "Anteprima" button still works */ });
  }

  form.querySelectorAll("textarea[data-anteprima]").forEach(function (area) {
    area.addEventListener("input", function () {
      clearTimeout(attese.get(area));
      attese.set(area, setTimeout(function () { aggiorna(area); }, 250));
    });
  });
})();
