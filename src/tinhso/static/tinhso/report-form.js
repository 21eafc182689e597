// Citizen form: "use my location"; a tap on a proposed field selects it; and without
// network a report is kept on the phone and sent when the network returns.
(function () {
  "use strict";
  var QUEUE = "tinhso.pending-reports";
  var en = document.documentElement.lang === "en";

  function t(vi, english) { return en ? english : vi; }
  function pending() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function save(list) { localStorage.setItem(QUEUE, JSON.stringify(list)); }
  function key() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function show(html) {
    var box = document.getElementById("offline-status");
    if (box) { box.innerHTML = html; }
  }

  function showPending() {
    var n = pending().length;
    if (n) {
      show('<p class="notice">' + t(n + " phản ánh đang lưu trên máy, sẽ tự gửi khi có mạng.",
        n + " report(s) kept on this phone; they will be sent when the network returns.") + "</p>");
    }
  }

  function queueFromForm(form) {
    var codes = JSON.parse(document.getElementById("report-codes").textContent);
    var e = form.elements;
    var body = {
      text: e.text.value, place: e.place.value, track: e.track.value,
      name: e.reporter_name.value, phone: e.reporter_phone.value, email: e.reporter_email.value,
      show_name: e.show_name.checked
    };
    if (e.field.value) { body.field = codes.fields[e.field.value]; }
    if (e.commune.value) { body.commune = codes.communes[e.commune.value]; }
    if (e.lat.value && e.lon.value) { body.lat = parseFloat(e.lat.value); body.lon = parseFloat(e.lon.value); }
    var list = pending();
    list.push({ key: e.idempotency_key.value || key(), body: body, saved: new Date().toISOString() });
    save(list);
    form.reset();
    e.idempotency_key.value = key();
    showPending();
  }

  function flush() {
    var list = pending();
    if (!list.length || !navigator.onLine) { return; }
    var item = list[0];
    fetch("/api/feedback/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": item.key },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      var rest = pending().filter(function (x) { return x.key !== item.key; });
      if (result.status === 200 || result.status === 201) {
        save(rest);
        show('<p class="messages-ok">' + t("Đã gửi phản ánh đã lưu: ", "Sent the saved report: ") +
          '<a href="' + result.data.tracking_url + '">' + result.data.code + "</a></p>");
        flush();
      } else if (result.status >= 400 && result.status < 500) {
        save(rest);  // the server refused it: say why instead of retrying for ever
        show('<p class="error-box">' + t("Phản ánh đã lưu không gửi được: ", "A saved report was refused: ") +
          (result.data.detail || result.status) + "</p>");
      }
    }).catch(function () { /* still offline: try again on the next "online" event */ });
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
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      queueFromForm(form);
    });
    window.addEventListener("online", flush);
    showPending();
    flush();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
