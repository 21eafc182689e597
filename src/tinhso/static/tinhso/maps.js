// Shared map pieces: the province's basemap (its own tiles file, served by the platform;
// nothing comes from the internet) or, without one, the commune outlines with their names;
// a legend when cells are approximate.
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
    } else {
      noBasemap(map);
    }
    return map;
  }

  function noBasemap(map) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var d = L.DomUtil.create("div", "map-no-basemap");
      d.textContent = t("Chưa cấu hình bản đồ nền: chỉ có ranh giới và tên xã, phường.",
        "No basemap configured: commune outlines and names only.");
      return d;
    };
    control.addTo(map);
  }

  // Commune names at their centres, for maps without a basemap. The biggest communes are
  // named first, and a name that would overlap one already shown waits for a closer zoom.
  function labels(map, layer) {
    if (!map.getPane("labels")) {
      map.createPane("labels").style.zIndex = 390;  // under the outlines and the reports
    }
    var items = [];
    layer.eachLayer(function (l) {
      var bounds = l.getBounds();
      var span = document.createElement("span");
      span.textContent = l.feature.properties.name;
      items.push({
        text: span.textContent,
        size: (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest()),
        marker: L.marker(bounds.getCenter(), {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "commune-label", html: span, iconSize: null })
        })
      });
    });
    items.sort(function (a, b) { return b.size - a.size; });
    var group = L.layerGroup().addTo(map);
    function place() {
      var taken = [];
      items.forEach(function (item) {
        var p = map.latLngToLayerPoint(item.marker.getLatLng());
        var w = item.text.length * 6.5 + 8, h = 18;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        var free = taken.every(function (o) {
          return box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3];
        });
        if (free) { taken.push(box); group.addLayer(item.marker); } else { group.removeLayer(item.marker); }
      });
    }
    map.whenReady(function () { place(); map.on("zoomend", place); });
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
        if (!map.tinhsoBasemap) { labels(map, layer); }
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
