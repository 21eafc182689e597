// Commune map: the platform's own GeoJSON layer; a tile layer only when the province set one.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("map");
    if (!el || !window.L) { return; }
    var map = L.map(el);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
    }
    var lang = document.documentElement.lang;
    var approxText = lang === "en" ? "approximate cell" : "ô gần đúng";
    fetch(el.dataset.geojson, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var layer = L.geoJSON(fc, {
          style: function (f) {
            return f.properties.approximate
              ? { color: "#6b3fa0", weight: 1, dashArray: "4 3", fillOpacity: 0.08 }
              : { color: "#0b4f9c", weight: 1.5, fillOpacity: 0.12 };
          },
          onEachFeature: function (f, l) {
            var label = f.properties.name + " (" + f.properties.code + ")";
            if (f.properties.approximate) { label += " — " + approxText; }
            l.bindTooltip(label);
          }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
        if (fc.approximate) {
          var legend = L.control({ position: "bottomleft" });
          legend.onAdd = function () {
            var d = L.DomUtil.create("div", "map-legend");
            d.textContent = lang === "en"
              ? "Dashed: approximate cells around commune centres (no surveyed boundary yet)"
              : "Nét đứt: ô gần đúng quanh trung tâm xã (chưa có ranh giới đo đạc)";
            return d;
          };
          legend.addTo(map);
        }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
