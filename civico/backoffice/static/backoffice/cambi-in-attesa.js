/* A control changed before htmx (loaded with `defer`) was ready: its change event went unheard,
   so the part it drives never updated — on a slow connection the counter's questions for the
   chosen category never came. Once htmx has processed the page, replay one change on each
   htmx-driven control (or form) whose fields differ from what the server rendered. Nothing to
   replay when the user had not touched anything. */
(function () {
  "use strict";
  function toccato(campo) {
    if (campo.tagName === "SELECT") {
      if (campo.multiple) {
        return Array.prototype.some.call(campo.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      // A single select with no option marked `selected` shows its first: that is its default too.
      var predefinita = 0;
      Array.prototype.forEach.call(campo.options, function (o, i) { if (o.defaultSelected) { predefinita = i; } });
      return campo.options.length > 0 && campo.selectedIndex !== predefinita;
    }
    if (campo.type === "checkbox" || campo.type === "radio") { return campo.checked !== campo.defaultChecked; }
    if (campo.type === "file") { return false; }
    return "defaultValue" in campo && campo.value !== campo.defaultValue;
  }
  function riproduci() {
    if (!window.htmx) { return; }
    document.querySelectorAll("[hx-trigger]").forEach(function (el) {
      if (!/(^|[\s,])change([\s,]|$)/.test(el.getAttribute("hx-trigger"))) { return; }
      var campi = el.matches("input, select, textarea") ? [el] : el.querySelectorAll("input, select, textarea");
      if (Array.prototype.some.call(campi, toccato)) { window.htmx.trigger(el, "change"); }
    });
  }
  // htmx processes the page on DOMContentLoaded, from a listener added before this one (scripts
  // with `defer` run in order): run after it.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setTimeout(riproduci, 0); });
  } else {
    setTimeout(riproduci, 0);
  }
})();
