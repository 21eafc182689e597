// The operations centre: the overview's map of communes coloured by an indicator (with
// its legend; a click opens the commune's figures), the sector pages' trend charts with
// thresholds and targets, and printing (the "print this page" button; charts and map
// re-laid at the width of an A4 landscape page while printing, dark ink on white).
(function () {
  "use strict";
  var STATUS = { good: "#1e6b36", watch: "#d08c00", bad: "#b3261e" };
  var SHADES = ["#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"];
  var NONE = "#c9d1da";

  function t(vi, en) { return window.TinhSoMaps ? TinhSoMaps.t(vi, en) : vi; }
  function number(v) { return (Math.round(v * 10) / 10).toLocaleString(document.documentElement.lang || "vi"); }

  function colourer(data) {
    var values = Object.keys(data.values).map(function (k) { return data.values[k].value; }).sort(function (a, b) { return a - b; });
    if (data.good !== null || data.bad !== null) {
      return {
        colour: function (item) { return item ? (STATUS[item.status] || NONE) : NONE; },
        legend: [[STATUS.good, t("Tốt", "Good")], [STATUS.watch, t("Theo dõi", "Watch")], [STATUS.bad, t("Xấu", "Bad")], [NONE, t("Chưa có số liệu", "No value")]]
      };
    }
    var breaks = [1, 2, 3, 4].map(function (i) { return values[Math.floor(i * values.length / 5)]; });
    function shade(v) { var i = 0; while (i < breaks.length && v >= breaks[i]) { i++; } return SHADES[i]; }
    var legend = [];
    var lows = [values[0]].concat(breaks);
    SHADES.forEach(function (c, i) { if (lows[i] !== undefined) { legend.push([c, "≥ " + number(lows[i]) + " " + data.unit]); } });
    legend.push([NONE, t("Chưa có số liệu", "No value")]);
    return { colour: function (item) { return item ? shade(item.value) : NONE; }, legend: legend };
  }

  function legendControl(map, data, scale) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend ioc-legend");
      var title = document.createElement("strong");
      title.textContent = data.name + (data.unit ? " (" + data.unit + ")" : "");
      box.appendChild(title);
      scale.legend.forEach(function (entry) {
        var row = document.createElement("div");
        var swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = entry[0];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(" " + entry[1]));
        box.appendChild(row);
      });
      return box;
    };
    control.addTo(map);
  }

  function drawMap(el) {
    var data = JSON.parse(document.getElementById(el.dataset.values).textContent);
    var scale = colourer(data);
    var map = TinhSoMaps.baseMap(el);
    map.setView([11.3, 106.1], 9);
    fetch(el.dataset.geojson, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var layer = L.geoJSON(fc, {
          style: function (f) {
            var item = data.values[f.properties.code];
            return { color: "#33414f", weight: 0.8, fillColor: scale.colour(item), fillOpacity: 0.75 };
          },
          onEachFeature: function (f, l) {
            var item = data.values[f.properties.code];
            l.bindTooltip(f.properties.name + ": " + (item ? number(item.value) + " " + data.unit : "—"));
            l.on("click", function () {
              window.location.href = el.dataset.communeUrl.replace("CODE", f.properties.code);
            });
          }
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); }
        el.tinhsoFit = function () { map.invalidateSize(false); if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } };
        el.dataset.ready = "1";
      }).catch(function () {});
    legendControl(map, data, scale);
  }

  function drawChart(el) {
    var fig = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    var dark = document.body.classList.contains("wall");
    var ink = dark ? "#f1f4f8" : "#1b1f24";
    var traces = [{ x: fig.x, y: fig.y, type: "scatter", mode: "lines+markers", name: t("Giá trị", "Value"),
                    line: { color: dark ? "#7fb8ff" : "#0b4f9c" } }];
    if (fig.targets.length) {
      traces.push({ x: fig.targets.map(function (p) { return p.x; }), y: fig.targets.map(function (p) { return p.y; }),
                    type: "scatter", mode: "markers", name: t("Mục tiêu", "Target"),
                    marker: { symbol: "diamond", size: 11, color: "#8a1010" } });
    }
    var shapes = [];
    [["good", STATUS.good], ["bad", STATUS.bad]].forEach(function (pair) {
      if (fig[pair[0]] !== null) {
        shapes.push({ type: "line", xref: "paper", x0: 0, x1: 1, y0: fig[pair[0]], y1: fig[pair[0]],
                      line: { color: pair[1], dash: "dash", width: 1.5 } });
      }
    });
    window.Plotly.newPlot(el, traces, {
      margin: { l: 48, r: 12, t: 8, b: 36 }, height: 260, shapes: shapes, showlegend: true,
      legend: { orientation: "h", y: -0.2 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: ink }, yaxis: { title: { text: fig.unit } }
    }, { displayModeBar: false, responsive: true });
  }

  // A sector's layers: its sensors (latest values; grey when offline) and the datasets of
  // its themes that have a place (gridded cells sized by their count).
  var LAYER_COLOURS = ["#0b4f9c", "#8a1010", "#1e6b36", "#6b3fa0", "#b35900", "#00707a", "#5a5a00", "#a0004f",
                       "#33414f", "#7a4a00", "#005c99", "#4d2e80"];

  function sensorMarkers(items, colour) {
    return items.map(function (s) {
      var values = Object.keys(s.values || {}).map(function (k) { return k + " " + number(s.values[k]); }).join(", ");
      return L.circleMarker([s.lat, s.lon], {
        radius: 7, color: "#fff", weight: 1.5, fillOpacity: 0.95, fillColor: s.online ? colour : "#8a939e"
      }).bindTooltip(s.name + (s.online ? "" : " — " + t("mất kết nối", "offline")) + (values ? ": " + values : ""));
    });
  }

  function datasetMarkers(chart, colour, name) {
    return (chart.points || []).map(function (p) {
      var size = chart.gridded ? Math.min(16, 4 + Math.log(1 + p.count) * 2) : 5;
      return L.circleMarker([p.lat, p.lon], { radius: size, color: colour, weight: 1, fillColor: colour, fillOpacity: 0.55 })
        .bindTooltip(name + (p.count > 1 ? " · " + p.count : ""));
    });
  }

  function drawLayers(el) {
    var layers = JSON.parse(document.getElementById(el.dataset.layers).textContent);
    var map = TinhSoMaps.baseMap(el);
    map.setView([11.3, 106.1], 9);
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 }).addTo(map);
    var bounds = L.latLngBounds([]);
    var outlined = TinhSoMaps.communes(map, el.dataset.geojson, true).then(function (outline) {
      if (outline.getLayers().length) { bounds.extend(outline.getBounds()); }
    }).catch(function () {});
    var pending = layers.map(function (layer, i) {
      var colour = LAYER_COLOURS[i % LAYER_COLOURS.length];
      return fetch(layer.url, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (body) {
          var markers = layer.kind === "sensors" ? sensorMarkers(body, colour) : datasetMarkers(body, colour, layer.name);
          var group = L.featureGroup(markers).addTo(map);
          control.addOverlay(group, '<span class="swatch" style="background:' + colour + '"></span> ' +
                             layer.name.replace(/[<>&]/g, "") + " (" + markers.length + ")");
          if (markers.length) { bounds.extend(group.getBounds()); }
        }).catch(function () {});
    });
    Promise.all(pending.concat([outlined])).then(function () {
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 13, animate: false }); }
      el.dataset.ready = "1";
    });
  }

  // Plotly draws SVG, which prints as vectors; only its size and colours change on paper.
  var PRINT_WIDTH = 1000;  // CSS px: an A4 landscape page less its margins is ≈ 1047
  var PRINT_HEIGHT = 330;

  function printLayout(printing) {
    if (window.Plotly) {
      document.querySelectorAll(".ioc-chart").forEach(function (el) {
        if (!el.data) { return; }
        var dark = !printing && document.body.classList.contains("wall");
        var size = printing ? { width: Math.min(PRINT_WIDTH, el.clientWidth || PRINT_WIDTH), height: PRINT_HEIGHT }
                            : { width: null, height: 260, autosize: true };
        size["font.color"] = dark ? "#f1f4f8" : "#1b1f24";
        window.Plotly.relayout(el, size);
        if (!printing) { window.Plotly.Plots.resize(el); }
      });
    }
    var mapEl = document.getElementById("ioc-map");
    if (mapEl && mapEl.tinhsoFit) { mapEl.tinhsoFit(); }
    document.documentElement.classList.toggle("printing", printing);
  }

  function watchPrinting() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    window.addEventListener("beforeprint", function () { printLayout(true); });
    window.addEventListener("afterprint", function () { printLayout(false); });
    // Print previews and emulated print media switch the media query without the events.
    var media = window.matchMedia("print");
    if (media.addEventListener) { media.addEventListener("change", function (e) { printLayout(e.matches); }); }
  }

  function start() {
    watchPrinting();
    var mapEl = document.getElementById("ioc-map");
    if (mapEl && window.L && window.TinhSoMaps) { drawMap(mapEl); }
    var layersEl = document.getElementById("sector-map");
    if (layersEl && window.L && window.TinhSoMaps) { drawLayers(layersEl); }
    if (window.Plotly) { document.querySelectorAll(".ioc-chart").forEach(drawChart); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
