// Citizen form: "use my location"; a tap on a proposed field selects it; and without
// network (or when sending fails on the way) the report, photos included, is kept on the
// phone by report-queue.js and sent when the network returns.
(function () {
  "use strict";
  var LEGACY = "tinhso.pending-reports";  // an earlier version's queue (text only)
  var en = document.documentElement.lang === "en";
  var Q = window.TinhSoQueue;

  function t(vi, english) { return en ? english : vi; }
  function key() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  var STATES = {
    waiting: ["Chờ có mạng để gửi", "Waiting for the network"],
    sending: ["Đang gửi…", "Sending…"],
    sent: ["Đã gửi", "Sent"],
    refused: ["Không gửi được", "Refused"]
  };

  // The queue, item by item, with its state; a sent item links to its tracking page.
  function render() {
    var box = document.getElementById("offline-status");
    if (!box || !Q) { return Promise.resolve(); }
    return Q.all().then(function (items) {
      box.textContent = "";
      if (!items.length) { return; }
      var waiting = items.filter(function (i) { return i.state === "waiting" || i.state === "sending"; }).length;
      var panel = el("section", { "class": "panel queue-panel" });
      panel.appendChild(el("h2", {}, t("Phản ánh lưu trên máy này", "Reports kept on this phone")));
      if (waiting) {
        panel.appendChild(el("p", { "class": "notice" }, t(
          waiting + " phản ánh đang lưu trên máy, sẽ tự gửi khi có mạng.",
          waiting + " report(s) kept on this phone; they will be sent when the network returns.")));
      }
      var list = el("ul", { "class": "plain queue" });
      items.sort(function (a, b) { return a.saved < b.saved ? -1 : 1; }).forEach(function (item) {
        var li = el("li", { "class": "queue-" + item.state, "data-state": item.state });
        var when = new Date(item.saved);
        li.appendChild(el("strong", {}, t(STATES[item.state][0], STATES[item.state][1])));
        li.appendChild(document.createTextNode(" · " + when.toLocaleString(en ? "en-GB" : "vi-VN") +
          " · " + (item.text || "") + (item.files && item.files.length ? " · " +
          item.files.length + t(" ảnh", " photo(s)") : "")));
        if (item.state === "sent") {
          li.appendChild(document.createTextNode(" — "));
          li.appendChild(el("a", { href: item.tracking_url }, item.code));
        }
        if (item.state === "refused") {
          li.appendChild(el("span", { "class": "error" }, " — " + item.reason));
        }
        if (item.state === "waiting") {
          var now = el("button", { type: "button", "class": "secondary" }, t("Gửi ngay", "Send now"));
          now.addEventListener("click", function () { Q.sendNow(item.key).then(render, render); });
          li.appendChild(now);
        }
        if (item.state === "sent" || item.state === "refused") {
          var drop = el("button", { type: "button", "class": "link" },
            item.state === "sent" ? t("Đã xem", "Dismiss") : t("Xoá", "Remove"));
          drop.addEventListener("click", function () { Q.remove(item.key).then(render); });
          li.appendChild(drop);
        }
        list.appendChild(li);
      });
      panel.appendChild(list);
      box.appendChild(panel);
    });
  }

  // Keep the filled-in form, photos included, and clear it for the next report.
  function keep(form) {
    var item = Q.fromForm(form);
    return Q.put(item).then(function () {
      form.reset();
      form.elements.idempotency_key.value = key();
      Q.requestSync();
      return render();
    });
  }

  // Sends what waits; if the server was busy or down, tries again in a while (the service
  // worker's Background Sync, where there is one, also keeps trying with the page closed).
  var retry = null;
  function flush() {
    if (!Q || !navigator.onLine) { return render(); }
    return render().then(Q.flush).then(function (done) {
      clearTimeout(retry);
      if (done.some(function (i) { return i.state === "waiting"; })) { retry = setTimeout(flush, 20000); }
      return render();
    }, render);
  }

  // Reports an earlier version kept in localStorage (text only) go through the JSON API.
  function sendLegacy() {
    var list;
    try { list = JSON.parse(localStorage.getItem(LEGACY) || "[]"); } catch (e) { list = []; }
    if (!list.length || !navigator.onLine) { return; }
    var item = list[0];
    fetch("/api/feedback/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": item.key },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      if (response.status < 500) {
        localStorage.setItem(LEGACY, JSON.stringify(list.slice(1)));
        sendLegacy();
      }
    }).catch(function () {});
  }

  // A submit: without network, straight into the queue; otherwise sent in the background,
  // and if the connection drops on the way (or the server is down), into the queue too.
  // A refusal (a field to correct) is shown by the normal submit, which renders the errors.
  function submit(form, event) {
    if (!Q || form.dataset.plain) { return; }
    event.preventDefault();
    if (!navigator.onLine) { keep(form); return; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action || location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json", "Idempotency-Key": form.elements.idempotency_key.value }
    }).then(function (response) {
      if (response.status === 201 || response.status === 200) {
        return response.json().then(function (data) { location.href = data.tracking_url; });
      }
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new Error("server busy");
      }
      form.dataset.plain = "1";
      HTMLFormElement.prototype.submit.call(form);
    }).catch(function () {
      keep(form);
    }).finally(function () { button.disabled = false; });
  }

  // The map in "Where?": a tap drops the pin, and the commune it falls in is chosen for
  // the citizen. Without Leaflet (or offline), the commune list and the address still work.
  // Returns the function that sets the point (also used by "use my location").
  function pinMap(form, status) {
    var el = document.getElementById("pin-map");
    var marker = null;
    var map = null;
    function set(lat, lon, pan) {
      form.elements.lat.value = lat.toFixed(6);
      form.elements.lon.value = lon.toFixed(6);
      status.textContent = t("Đã thêm vị trí: ", "Location added: ") + lat.toFixed(5) + ", " + lon.toFixed(5);
      if (map) {
        if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon], { keyboard: false }).addTo(map); }
        // With a basemap, close enough to see the street; without, the commune.
        if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), map.tinhsoBasemap ? 17 : 15)); }
      }
      if (!el || !navigator.onLine) { return; }
      fetch(el.dataset.locate + "?lat=" + lat + "&lon=" + lon, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) {
          if (!found) {
            status.textContent += " — " + t("ngoài địa bàn tỉnh?", "outside the province?");
            return;
          }
          var codes = JSON.parse(document.getElementById("report-codes").textContent).communes;
          Object.keys(codes).forEach(function (pk) {
            if (codes[pk] === found.commune.code) { form.elements.commune.value = pk; }
          });
          status.textContent += " — " + found.commune.name +
            (found.approximate ? " (" + t("gần đúng", "approximate") + ")" : "");
        })
        .catch(function () { /* offline: the point is kept, the server finds the commune */ });
    }
    if (el && window.L && window.TinhSoMaps) {
      map = TinhSoMaps.baseMap(el);
      document.getElementById("pin-help").hidden = false;
      TinhSoMaps.communes(map, el.dataset.geojson, true).then(function (layer) {
        if (!marker) { map.fitBounds(layer.getBounds()); }
      }).catch(function () { el.hidden = true; });
      map.on("click", function (event) { set(event.latlng.lat, event.latlng.lng, false); });
      // Without a mouse: the arrow keys move the map (Leaflet), Enter or Space drops the
      // pin at its centre.
      map.getContainer().setAttribute("aria-label",
        t("Bản đồ: dùng phím mũi tên để di chuyển, Enter để đặt vị trí ở giữa bản đồ",
          "Map: arrow keys move it, Enter places the point at its centre"));
      map.getContainer().addEventListener("keydown", function (event) {
        if (event.target !== map.getContainer()) { return; }
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          var centre = map.getCenter();
          set(centre.lat, centre.lng, false);
        }
      });
      if (form.elements.lat.value && form.elements.lon.value) {
        set(parseFloat(form.elements.lat.value), parseFloat(form.elements.lon.value), true);
      }
    } else if (el) {
      el.hidden = true;
    }
    return set;
  }

  function start() {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var status = document.getElementById("location-status");
    var button = document.getElementById("use-location");
    var pin = pinMap(form, status);
    if (button && navigator.geolocation) {
      button.addEventListener("click", function () {
        status.textContent = t("Đang xác định vị trí…", "Finding your location…");
        navigator.geolocation.getCurrentPosition(function (pos) {
          pin(pos.coords.latitude, pos.coords.longitude, true);
        }, function () {
          status.textContent = t("Không lấy được vị trí: hãy chọn xã, phường.",
            "Location not available: pick the commune instead.");
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    } else if (button) {
      button.hidden = true;
    }
    document.addEventListener("click", function (event) {
      var chip = event.target.closest(".chip[data-field]");
      if (chip) { form.elements.field.value = chip.dataset.field; }
    });
    form.addEventListener("submit", function (event) { submit(form, event); });
    window.addEventListener("online", function () { flush(); sendLegacy(); });
    if ("serviceWorker" in navigator) {
      // The service worker sent the queue (Background Sync): show what became of it.
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data === "tinhso-queue-changed") { render(); }
      });
    }
    flush();
    sendLegacy();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
