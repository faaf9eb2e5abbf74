/* Leaflet finds its default pin's folder by reading ".../marker-icon.png" out of leaflet.css; with
   hashed static names (`make run`, production) the guess fails, and the pin's retina image and
   shadow were asked for at the page's own path (404: a pin without shadow, or no pin on a phone).
   The template gives the hashed URLs; this runs after leaflet.js and before the maps' scripts. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.L || !script) return;
  L.Icon.Default.imagePath = "";  // a string: Leaflet no longer guesses
  L.Icon.Default.mergeOptions({
    iconUrl: script.dataset.icona, iconRetinaUrl: script.dataset.iconaRetina, shadowUrl: script.dataset.ombra
  });
})();
