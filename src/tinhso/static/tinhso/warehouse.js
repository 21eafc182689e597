// The warehouse pages: a dataset's preview (filters, search, sort, paging through the rows
// API), its quick chart (the chart API's numbers within the same filters), the upload form's
// progress bar, and an upload job's progress while the worker reads the file.
(function () {
  "use strict";

  var textNode = document.getElementById("warehouse-text");
  var T = textNode ? JSON.parse(textNode.textContent) : {};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function query(params) {
    return Object.keys(params)
      .filter(function (k) { return params[k] !== "" && params[k] !== undefined; })
      .map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); })
      .join("&");
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.detail || r.status);
          return body;
        });
      });
  }

  // The preview's filters, which the quick chart follows.
  var currentFilters = null;
  var followFilters = function () {};

  // Preview ---------------------------------------------------------------------------
  var preview = document.getElementById("preview");
  if (preview) {
    var state = { filters: {}, _q: "", _sort: "", _offset: 0, _limit: 25 };
    var form = preview.querySelector(".preview-filters");
    var table = preview.querySelector(".pv-table");
    var status = preview.querySelector(".pv-status");
    var active = preview.querySelector(".pv-active");
    var titlesEl = document.getElementById("column-titles");
    var titles = titlesEl ? JSON.parse(titlesEl.textContent) : {};

    var params = function () {
      var p = Object.assign({}, state.filters);
      p._q = state._q;
      p._sort = state._sort;
      return p;
    };

    var drawActive = function () {
      active.textContent = "";
      Object.keys(state.filters).forEach(function (key) {
        var chip = el("button", { type: "button", class: "chip", title: T.remove }, key + " = " + state.filters[key] + " ×");
        chip.addEventListener("click", function () {
          delete state.filters[key];
          state._offset = 0;
          load();
        });
        active.appendChild(chip);
      });
      preview.querySelectorAll(".pv-download").forEach(function (a) {
        var base = preview.dataset.downloadUrl + a.dataset.format;
        var q = a.dataset.format === "parquet" ? "" : query(params());
        a.href = q ? base + "?" + q : base;
      });
    };

    currentFilters = function () {
      var p = params();
      delete p._sort;  // the order of the rows changes no chart
      return p;
    };

    var load = function () {
      status.textContent = T.loading;
      drawActive();
      followFilters(currentFilters());
      var p = params();
      p._limit = state._limit;
      p._offset = state._offset;
      getJSON(preview.dataset.rowsUrl + "?" + query(p)).then(function (page) {
        var head = table.tHead, body = table.tBodies[0];
        head.textContent = "";
        body.textContent = "";
        var tr = el("tr");
        page.columns.forEach(function (c) {
          var th = el("th", { scope: "col" });
          var sorted = state._sort === c ? " ↑" : state._sort === "-" + c ? " ↓" : "";
          var b = el("button", { type: "button", class: "link", title: c }, (titles[c] || c) + sorted);
          b.addEventListener("click", function () {
            state._sort = state._sort === c ? "-" + c : c;
            state._offset = 0;
            load();
          });
          th.appendChild(b);
          tr.appendChild(th);
        });
        head.appendChild(tr);
        page.rows.forEach(function (row) {
          var r = el("tr");
          row.forEach(function (v) { r.appendChild(el("td", {}, v === null ? "" : v)); });
          body.appendChild(r);
        });
        if (!page.rows.length) {
          body.appendChild(el("tr")).appendChild(el("td", { colspan: page.columns.length }, T.none));
        }
        var total = page.total === null ? "?" : page.total.toLocaleString();
        if (!page.rows.length) {
          status.textContent = "0 " + T.rows;  // nothing matches: no "1–0 / 0"
        } else {
          status.textContent = (page.offset + 1) + "–" + (page.offset + page.rows.length) + " / " +
            total + " " + T.rows + " (" + (page.total_is_exact ? T.exact : T.estimated) + ")";
        }
        preview.querySelector(".pv-prev").disabled = page.offset === 0;
        preview.querySelector(".pv-next").disabled =
          page.rows.length < page.limit || (page.total !== null && page.offset + page.limit >= page.total);
      }).catch(function (err) { status.textContent = T.error + ": " + err.message; });
    };

    preview.querySelector(".pv-add").addEventListener("click", function () {
      var col = form.querySelector("#pv-col").value;
      var op = form.querySelector("#pv-op").value;
      var value = form.querySelector("#pv-value").value;
      if (!col) return;
      state.filters[col + op] = value;
      state._offset = 0;
      load();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      state._q = form.querySelector("#pv-q").value;
      state._offset = 0;
      load();
    });
    preview.querySelector(".pv-prev").addEventListener("click", function () {
      state._offset = Math.max(0, state._offset - state._limit);
      load();
    });
    preview.querySelector(".pv-next").addEventListener("click", function () {
      state._offset += state._limit;
      load();
    });
    load();
  }

  // Quick chart -----------------------------------------------------------------------
  // The chart API sends the numbers already aggregated, within the preview's filters;
  // Plotly (loaded after this script, so the table does not wait for it) draws them and
  // Leaflet draws the map.
  var chart = document.getElementById("quick-chart");
  if (chart) {
    var colSelect = chart.querySelector("#qc-col");
    var measureSelect = chart.querySelector("#qc-measure");
    var measureField = chart.querySelector(".qc-measure-field");
    var plotEl = chart.querySelector("#qc-plot");
    var mapEl = chart.querySelector("#qc-map");
    var note = chart.querySelector(".qc-status");
    var caption = chart.querySelector(".qc-caption");
    var english = document.documentElement.lang === "en";
    var chosen = "";  // empty until the first answer: the server picks the column
    var drawnFilters = null;
    var asked = 0;
    var leaflet = null;
    var points = null;
    var summed = function (kind) { return kind === "counts" || kind === "timeseries"; };

    var plotlyReady = new Promise(function (resolve) {
      if (window.Plotly) { resolve(); return; }
      document.addEventListener("DOMContentLoaded", resolve);  // deferred scripts have run
      window.addEventListener("load", resolve);
    });

    var color = function (name, fallback) {
      return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
    };
    var optionText = function () {
      var option = colSelect.options[colSelect.selectedIndex];
      return option ? option.textContent.replace(/ \([^()]*\)$/, "") : "";
    };
    var measureText = function (data) {
      if (!data.measure || !measureSelect) return T.chart_count;
      return measureSelect.options[measureSelect.selectedIndex].textContent;
    };
    var number = function (n) { return Number(n).toLocaleString(english ? "en" : "vi"); };
    var short = function (text, most) {
      return text.length > most ? text.slice(0, most - 1) + "…" : text;
    };

    var baseLayout = function (extra) {
      var narrow = plotEl.clientWidth < 560;
      return Object.assign({
        autosize: true,
        height: narrow ? 300 : 360,
        margin: { l: 8, r: 12, t: 8, b: 8 },
        font: { family: getComputedStyle(document.body).fontFamily, size: narrow ? 12 : 13 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        separators: english ? ".," : ",.",
        showlegend: false,
        hoverlabel: { namelength: -1 },
        bargap: 0.08
      }, extra);
    };
    var axis = function (title, extra) {
      return Object.assign({ title: { text: title }, automargin: true, fixedrange: true }, extra);
    };

    // Each kind of answer as a Plotly figure (null: nothing to draw).
    var FIGURES = {
      counts: function (data) {
        if (!data.bars.length) return null;
        var labels = data.bars.map(function (b) {
          return b.label === null || b.label === "" ? T.chart_blank : String(b.label);
        });
        var amounts = data.bars.map(function (b) { return b.amount; });
        var colors = data.bars.map(function () { return color("--link", "#0b4f9c"); });
        if (data.other) {
          labels.push(T.chart_other + " (" + number(data.other.values) + ")");
          amounts.push(data.other.amount);
          colors.push("#7a8594");
        }
        var most = plotEl.clientWidth < 560 ? 18 : 32;
        return {
          data: [{
            type: "bar", orientation: "h", x: amounts, y: labels.map(function (l, i) {
              return short(l, most) + "\u200b".repeat(i);  // equal short labels stay apart
            }),
            hovertext: labels, hovertemplate: "%{hovertext}: %{x}<extra></extra>",
            marker: { color: colors }
          }],
          layout: {
            height: Math.max(140, 30 * labels.length + 80),
            xaxis: axis(measureText(data)),
            yaxis: axis("", { autorange: "reversed", type: "category" })
          }
        };
      },
      histogram: function (data) {
        if (!data.bins.length) return null;
        return {
          data: [{
            type: "bar",
            x: data.bins.map(function (b) { return (b.start + b.end) / 2; }),
            y: data.bins.map(function (b) { return b.count; }),
            width: data.bins.map(function (b) { return b.end - b.start; }),
            hovertext: data.bins.map(function (b) { return number(b.start) + " – " + number(b.end); }),
            hovertemplate: "%{hovertext}: %{y}<extra></extra>",
            marker: { color: color("--link", "#0b4f9c") }
          }],
          layout: { xaxis: axis(optionText()), yaxis: axis(T.chart_count), bargap: 0.04 }
        };
      },
      timeseries: function (data) {
        if (!data.series.length) return null;
        var formats = { hour: "%H:%M<br>%d/%m/%Y", day: "%d/%m/%Y", month: "%m/%Y", year: "%Y" };
        var x = data.series.map(function (p) { return p.period; });
        var y = data.series.map(function (p) { return p.amount; });
        var line = data.series.length > 40;
        return {
          data: [{
            type: line ? "scatter" : "bar", mode: line ? "lines" : undefined, x: x, y: y,
            line: { color: color("--link", "#0b4f9c"), width: 2 },
            marker: { color: color("--link", "#0b4f9c") },
            hovertemplate: "%{x|" + formats[data.bucket] + "}: %{y}<extra></extra>"
          }],
          layout: {
            xaxis: axis(optionText(), { type: "date", tickformat: formats[data.bucket] }),
            yaxis: axis(measureText(data), { rangemode: "tozero" })
          }
        };
      }
    };

    // The chart's own buttons speak the page's language (plotly.js ships English only).
    if (window.Plotly && window.Plotly.register) {
      window.Plotly.register({
        moduleType: "locale",
        name: "vi",
        dictionary: {
          "Download plot as a PNG": "Tải biểu đồ về (PNG)",
          "Zoom": "Phóng to vùng chọn",
          "Pan": "Kéo",
          "Reset axes": "Về khung ban đầu",
          "Toggle Spike Lines": "Bật/tắt đường gióng",
          "Show closest data on hover": "Hiện số liệu gần nhất",
          "Compare data on hover": "So sánh số liệu",
          "Double-click to zoom back out": "Nhấp đúp để thu nhỏ lại",
          "Autoscale": "Tự co giãn",
          "Produced with Plotly.js": "Vẽ bằng Plotly.js"
        },
        format: { decimal: ",", thousands: "." }
      });
    }

    var CONFIG = {
      locale: document.documentElement.lang === "vi" ? "vi" : "en",
      displaylogo: false,
      responsive: true,
      showSendToCloud: false,
      plotlyServerURL: "",
      displayModeBar: "hover",
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"]
    };

    var drawMap = function (data) {
      window.Plotly.purge(plotEl);
      plotEl.hidden = true;
      mapEl.hidden = false;
      if (!window.L || !window.TinhSoMaps) { note.textContent = T.error; return; }
      if (!leaflet) {
        leaflet = TinhSoMaps.baseMap(mapEl);
        leaflet.setView([10.8, 106.7], 8);  // until the communes or the points say better
        TinhSoMaps.communes(leaflet, chart.dataset.communesUrl, true).then(function (layer) {
          if (!points || !points.getLayers().length) leaflet.fitBounds(layer.getBounds());
        }).catch(function () {});
      }
      leaflet.invalidateSize();
      if (points) points.remove();
      var most = Math.max.apply(null, data.points.map(function (p) { return p.count; }).concat([1]));
      points = L.featureGroup(data.points.map(function (p) {
        var marker = L.circleMarker([p.lat, p.lon], {
          radius: data.gridded ? 4 + 12 * Math.sqrt(p.count / most) : 5,
          color: "#0b4f9c", weight: 1, fillColor: color("--link", "#0b4f9c"), fillOpacity: 0.6
        });
        if (data.gridded) marker.bindTooltip(number(p.count) + " " + T.rows);
        return marker;
      })).addTo(leaflet);
      if (data.points.length) leaflet.fitBounds(points.getBounds(), { padding: [16, 16], maxZoom: 15 });
      if (data.gridded) note.textContent = T.chart_gridded;
    };

    var render = function (data) {
      var parts = [number(data.rows) + " " + T.chart_rows];
      if (data.empty) parts.push(number(data.empty) + " " + T.chart_empty);
      if (data.kind === "map") parts.push(number(data.points.length) + " " + T.chart_points);
      caption.textContent = optionText() + " — " + parts.join(", ");
      note.textContent = "";
      if (!window.Plotly) { note.textContent = T.error; return; }
      if (data.kind === "map") { drawMap(data); return; }
      mapEl.hidden = true;
      plotEl.hidden = false;
      var figure = FIGURES[data.kind](data);
      if (!figure) {
        window.Plotly.purge(plotEl);
        note.textContent = T.chart_nothing;
        return;
      }
      window.Plotly.react(plotEl, figure.data, baseLayout(figure.layout), CONFIG);
    };

    var draw = function () {
      var p = Object.assign({}, drawnFilters || {});
      var kind = "";
      if (chosen === "_map") {
        p._kind = "map";
      } else if (chosen) {
        p._column = chosen;
        kind = colSelect.options[colSelect.selectedIndex].dataset.kind;
      }
      if (measureSelect && summed(kind)) p._sum = measureSelect.value;
      var mine = ++asked;
      note.textContent = T.loading;
      getJSON(chart.dataset.chartUrl + "?" + query(p)).then(function (data) {
        if (mine !== asked) return null;  // a newer choice is on its way
        if (!chosen) {
          chosen = data.kind === "map" ? "_map" : data.column;
          colSelect.value = chosen;
        }
        if (measureField) measureField.hidden = !summed(data.kind);
        return plotlyReady.then(function () { if (mine === asked) render(data); });
      }).catch(function (err) { note.textContent = T.error + ": " + err.message; });
    };

    // The preview tells the chart its filters after each load; a new page of the same
    // rows does not redraw.
    followFilters = function (filters) {
      var key = query(filters);
      if (drawnFilters !== null && key === query(drawnFilters)) return;
      drawnFilters = filters;
      draw();
    };
    colSelect.addEventListener("change", function () { chosen = colSelect.value; draw(); });
    if (measureSelect) measureSelect.addEventListener("change", draw);
    chart.querySelector(".qc-form").addEventListener("submit", function (e) { e.preventDefault(); draw(); });
    followFilters(currentFilters ? currentFilters() : {});
  }

  // Upload with progress ----------------------------------------------------------------
  var upload = document.querySelector(".upload-form");
  if (upload && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener("submit", function (e) {
      e.preventDefault();
      var box = upload.querySelector(".upload-progress");
      var bar = upload.querySelector("#upload-bar");
      var percent = upload.querySelector(".upload-percent");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable) return;
        bar.value = Math.round(100 * ev.loaded / ev.total);
        percent.textContent = bar.value + "%";
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
        if (xhr.status === 202 && body.url) {
          percent.textContent = upload.dataset.jobText;
          window.location.href = body.url;
        } else {
          upload.submit();  // let the server render the form with its errors
        }
      });
      xhr.addEventListener("error", function () { upload.submit(); });
      box.hidden = false;
      upload.querySelector("button[type=submit]").disabled = true;
      xhr.send(new FormData(upload));
    });
  }

  // Upload job ----------------------------------------------------------------------------
  var job = document.querySelector(".job");
  if (job && (job.dataset.status === "queued" || job.dataset.status === "running")) {
    var poll = function () {
      getJSON(job.dataset.statusUrl).then(function (s) {
        job.querySelector("#job-bar").value = s.progress;
        job.querySelector(".job-percent").textContent = Math.round(s.progress) + "%";
        job.querySelector(".job-status").textContent = s.status_label;
        if (s.message) {
          var m = job.querySelector(".job-message");
          m.textContent = s.message;
          m.hidden = false;
        }
        if (s.version_url) {
          window.location.href = s.version_url;
        } else if (s.status === "queued" || s.status === "running") {
          window.setTimeout(poll, 1000);
        }
      }).catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
})();
