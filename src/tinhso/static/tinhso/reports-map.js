// Maps of reports: the public map (every public report with a location) and, on a
// report's staff page, the report and the open reports near it.
(function () {
  "use strict";
  var COLOURS = {
    accepted: "#b35c00", assigned: "#b35c00", in_progress: "#0b4f9c",
    answered: "#1c7c3c", closed: "#4a5563"
  };

  function popup(p) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.code;
    box.appendChild(link);
    var lines = [p.status_label, p.field, p.received];
    if (p.demo) { lines.push(TinhSoMaps.t("dữ liệu mẫu", "demo data")); }
    lines.filter(Boolean).forEach(function (text) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(text));
    });
    return box;
  }

  // The points come from `data-reports` (a URL) or from a JSON script on the page.
  function load(el) {
    if (el.dataset.pointsScript) {
      return Promise.resolve(JSON.parse(document.getElementById(el.dataset.pointsScript).textContent));
    }
    return fetch(el.dataset.reports, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); });
  }

  function points(map, el) {
    return load(el).then(function (fc) {
        var layer = L.geoJSON(fc, {
          pointToLayer: function (f, latlng) {
            var p = f.properties;
            return L.circleMarker(latlng, {
              radius: p.current ? 9 : 6, weight: p.current ? 3 : 1, color: "#1d2733",
              fillColor: p.current ? "#c8102e" : (COLOURS[p.status] || "#4a5563"), fillOpacity: 0.85
            });
          },
          onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
        }).addTo(map);
        return { layer: layer, data: fc };
      });
  }

  function legend(map) {
    var t = TinhSoMaps.t;
    var rows = [
      ["#b35c00", t("Đã tiếp nhận, chờ xử lý", "Accepted, waiting")],
      ["#0b4f9c", t("Đang xử lý", "In progress")],
      ["#1c7c3c", t("Đã trả lời", "Answered")],
      ["#4a5563", t("Đã đóng", "Closed")]
    ];
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      rows.forEach(function (row) {
        var line = document.createElement("div");
        var dot = document.createElement("span");
        dot.className = "dot";
        dot.style.background = row[0];
        line.appendChild(dot);
        line.appendChild(document.createTextNode(" " + row[1]));
        box.appendChild(line);
      });
      return box;
    };
    control.addTo(map);
  }

  TinhSoMaps.ready(function () {
    var el = document.getElementById("reports-map");
    if (!el || !window.L) { return; }
    var map = TinhSoMaps.baseMap(el);
    var communes = TinhSoMaps.communes(map, el.dataset.geojson, true);
    var reports = points(map, el);
    if (!el.dataset.pointsScript) { legend(map); }
    Promise.all([communes, reports]).then(function (both) {
      var found = both[1];
      var n = found.data.features.length;
      if (n && el.dataset.zoom === "points") {
        // Around the report: its commune in view, and the reports near it.
        map.fitBounds(found.layer.getBounds().pad(0.5), { maxZoom: 14 });
      } else {
        map.fitBounds(both[0].getBounds(), { maxZoom: 16 });
      }
      el.dataset.count = String(found.data.features.length);
      var note = document.getElementById("reports-map-note");
      if (note && found.data.truncated) {
        note.textContent += " " + TinhSoMaps.t("Bản đồ chỉ hiện " + found.data.limit + " phản ánh mới nhất.",
          "Only the newest " + found.data.limit + " reports are on the map.");
      }
    });
  });
})();
