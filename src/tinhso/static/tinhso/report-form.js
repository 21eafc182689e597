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

  function start() {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var status = document.getElementById("location-status");
    var button = document.getElementById("use-location");
    if (button && navigator.geolocation) {
      button.addEventListener("click", function () {
        status.textContent = t("Đang xác định vị trí…", "Finding your location…");
        navigator.geolocation.getCurrentPosition(function (pos) {
          form.elements.lat.value = pos.coords.latitude.toFixed(6);
          form.elements.lon.value = pos.coords.longitude.toFixed(6);
          status.textContent = t("Đã thêm vị trí: ", "Location added: ") +
            pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
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
