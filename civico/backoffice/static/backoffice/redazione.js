// Photo redaction: draw rectangles over the photo; they travel to the server as fractions of
// the image (0–1) in the hidden field, and the server blacks them out on the full-size photo.
(function () {
  "use strict";
  var box = document.querySelector("[data-redazione]");
  if (!box) return;
  var img = box.querySelector("img"), canvas = box.querySelector("canvas");
  var campo = document.getElementById("rettangoli");
  var ctx = canvas.getContext("2d"), rettangoli = [], inizio = null, attuale = null;

  function misura() {
    canvas.width = img.clientWidth; canvas.height = img.clientHeight; disegna();
  }
  function punto(e) {
    var r = canvas.getBoundingClientRect();
    return { x: Math.min(Math.max((e.clientX - r.left) / r.width, 0), 1),
             y: Math.min(Math.max((e.clientY - r.top) / r.height, 0), 1) };
  }
  function normale(a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }
  function disegna() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    rettangoli.concat(attuale ? [attuale] : []).forEach(function (r) {
      ctx.fillStyle = "rgba(0,0,0,0.85)";
      ctx.fillRect(r.x * canvas.width, r.y * canvas.height, r.w * canvas.width, r.h * canvas.height);
      ctx.strokeStyle = "#ffcc00"; ctx.lineWidth = 2;
      ctx.strokeRect(r.x * canvas.width, r.y * canvas.height, r.w * canvas.width, r.h * canvas.height);
    });
    campo.value = JSON.stringify(rettangoli);
  }
  canvas.addEventListener("pointerdown", function (e) {
    inizio = punto(e); canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", function (e) {
    if (inizio) { attuale = normale(inizio, punto(e)); disegna(); }
  });
  canvas.addEventListener("pointerup", function (e) {
    var fine = punto(e), r = inizio ? normale(inizio, fine) : null;
    inizio = null; attuale = null;
    if (r && r.w > 0.005 && r.h > 0.005) {
      rettangoli.push(r);
    } else {  // a click: remove the rectangle under it
      rettangoli = rettangoli.filter(function (q) {
        return !(fine.x >= q.x && fine.x <= q.x + q.w && fine.y >= q.y && fine.y <= q.y + q.h);
      });
    }
    disegna();
  });
  document.querySelector("[data-annulla]").addEventListener("click", function () { rettangoli = []; disegna(); });
  if (img.complete) misura(); else img.addEventListener("load", misura);
  window.addEventListener("resize", misura);
})();
