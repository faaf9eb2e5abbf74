// Buttons with data-stampa print the page (no inline onclick: the CSP forbids inline script).
document.querySelectorAll("[data-stampa]").forEach((b) => b.addEventListener("click", () => window.print()));
