// The warehouse pages: a dataset's preview (filters, search, sort, paging through the rows
// API), its quick chart (value counts from the rows API's facets), the upload form's
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

    var load = function () {
      status.textContent = T.loading;
      drawActive();
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
  var chart = document.querySelector(".quick-chart");
  if (chart) {
    var chartForm = chart.querySelector("form");
    var draw = function () {
      var select = chartForm.querySelector("#qc-col");
      var column = select.value;
      var label = select.options[select.selectedIndex].textContent;
      var numeric = ["integer", "number", "year", "date"].indexOf(select.options[select.selectedIndex].dataset.type) >= 0;
      var note = chart.querySelector(".qc-status");
      var bars = chart.querySelector(".qc-bars");
      note.textContent = T.loading;
      getJSON(chart.dataset.rowsUrl + "?" + query({ _facet: column, _limit: 1, _total: "none" })).then(function (page) {
        var facet = page.facets[column];
        bars.textContent = "";
        if (facet.timed_out) { note.textContent = T.timed_out; return; }
        note.textContent = facet.truncated ? T.more : "";
        chart.querySelector(".qc-caption").textContent = T.top + " " + label;
        var values = facet.values.slice();
        if (numeric) values.sort(function (a, b) { return a.value < b.value ? -1 : a.value > b.value ? 1 : 0; });
        var most = Math.max.apply(null, values.map(function (v) { return v.count; }).concat([1]));
        values.forEach(function (v) {
          var row = el("div", { class: "qc-row", role: "listitem" });
          row.appendChild(el("span", { class: "qc-label" }, v.value === null ? "—" : v.value));
          var bar = el("span", { class: "qc-bar" });
          bar.style.width = (100 * v.count / most).toFixed(1) + "%";
          row.appendChild(bar);
          row.appendChild(el("span", { class: "qc-count" }, v.count.toLocaleString()));
          bars.appendChild(row);
        });
      }).catch(function (err) { note.textContent = T.error + ": " + err.message; });
    };
    chartForm.addEventListener("submit", function (e) { e.preventDefault(); draw(); });
    draw();
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
