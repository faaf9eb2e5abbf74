// Inbox: "select all on this page" for the bulk actions (the list works without it).
document.addEventListener("change", function (evento) {
  if (evento.target.id !== "seleziona-tutte") return;
  document.querySelectorAll('input[name="codici"]').forEach(function (casella) {
    casella.checked = evento.target.checked;
  });
});
