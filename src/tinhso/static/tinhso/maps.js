// Shared map pieces: the province's basemap (its own tiles file, served by the platform;
// nothing comes from the internet), the platform's own commune layer and a legend saying
// when cells are approximate.
(function () {
  "use strict";
  var en = document.documentElement.lang === "en";

  // Leaflet guesses its marker images' folder from its stylesheet, which fails when the
  // static files are fingerprinted or served under another path: tell it where they are.
  if (window.L && L.Icon && L.Icon.Default) {
    var script = document.querySelector('script[src*="vendor/leaflet/leaflet.js"]');
    if (script) { L.Icon.Default.imagePath = script.src.replace(/leaflet\.js(\?.*)?$/, "images/"); }
  }
  function t(vi, english) { return en ? english : vi; }

  // `data-basemap` holds the basemap's Leaflet options (units/basemap.py), or nothing.
  function baseMap(el) {
    var base = el.dataset.basemap ? JSON.parse(el.dataset.basemap) : null;
    var map = L.map(el, { maxZoom: base ? base.maxZoom : 18 });
    el.tinhsoMap = map;  // for the page's other scripts and the browser tests
    map.tinhsoBasemap = base;
    if (base) {
      L.tileLayer(base.url, {
        minZoom: base.minZoom || 0,
        maxNativeZoom: base.maxNativeZoom,
        maxZoom: base.maxZoom,
        bounds: base.bounds || undefined,
        attribution: base.attribution || ""
      }).addTo(map);
    }
    return map;
  }

  // Draws the communes from `url`; resolves with the layer. `faint` is for maps whose
  // subject is something else (reports): thin lines, no tooltips in the way.
  function communes(map, url, faint) {
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var layer = L.geoJSON(fc, {
          interactive: !faint,
          style: function (f) {
            if (faint) {
              return { color: "#7a8594", weight: 0.8, dashArray: f.properties.approximate ? "3 3" : null,
                       fillOpacity: 0.03 };
            }
            return f.properties.approximate
              ? { color: "#6b3fa0", weight: 1, dashArray: "4 3", fillOpacity: 0.08 }
              : { color: "#0b4f9c", weight: 1.5, fillOpacity: 0.12 };
          },
          onEachFeature: faint ? null : function (f, l) {
            var label = f.properties.name + " (" + f.properties.code + ")";
            if (f.properties.approximate) { label += " — " + t("ô gần đúng", "approximate cell"); }
            l.bindTooltip(label);
          }
        }).addTo(map);
        if (fc.approximate) { legend(map); }
        return layer;
      });
  }

  function legend(map) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var d = L.DomUtil.create("div", "map-legend");
      d.textContent = t("Nét đứt: ô gần đúng quanh trung tâm xã (chưa có ranh giới đo đạc)",
        "Dashed: approximate cells around commune centres (no surveyed boundary yet)");
      return d;
    };
    control.addTo(map);
  }

  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }

  window.TinhSoMaps = { baseMap: baseMap, communes: communes, ready: ready, t: t };
})();
