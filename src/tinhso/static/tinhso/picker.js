// A long list of checkboxes (communes, agencies) gets a search field and a count of what is
// chosen. Without script the list is still there, in a box that scrolls. The search ignores
// Vietnamese accents and đ, so "tan an" finds "Phường Tân An".
(function () {
  "use strict";
  var en = document.documentElement.lang === "en";
  function t(vi, english) { return en ? english : vi; }
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function picker(box) {
    var list = box.querySelector(".choice-list");
    var labels = Array.prototype.slice.call(list.querySelectorAll("label"));
    var legend = box.querySelector("legend");
    var id = box.id + "-search";
    var search = document.createElement("input");
    search.type = "search"; search.id = id; search.className = "picker-search";
    search.placeholder = t("Gõ để tìm…", "Type to search…");
    var label = document.createElement("label");
    label.htmlFor = id; label.className = "visually-hidden";
    label.textContent = t("Tìm trong danh sách: ", "Search the list: ") + legend.textContent;
    var count = document.createElement("p");
    count.className = "muted picker-count"; count.setAttribute("aria-live", "polite");
    var onlyChosen = document.createElement("label");
    onlyChosen.className = "check";
    var toggle = document.createElement("input");
    toggle.type = "checkbox";
    onlyChosen.appendChild(toggle);
    onlyChosen.appendChild(document.createTextNode(" " + t("Chỉ hiện mục đã chọn", "Show only the chosen")));
    list.parentNode.insertBefore(label, list);
    list.parentNode.insertBefore(search, list);
    list.parentNode.insertBefore(onlyChosen, list);
    list.parentNode.insertBefore(count, list);
    var keys = labels.map(function (l) { return plain(l.textContent); });

    function update() {
      var q = plain(search.value.trim());
      var chosen = 0, shown = 0;
      labels.forEach(function (l, i) {
        var checked = l.querySelector("input").checked;
        if (checked) { chosen += 1; }
        var visible = (!q || keys[i].indexOf(q) !== -1) && (!toggle.checked || checked);
        l.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = t("Đã chọn " + chosen + " · đang hiện " + shown + "/" + labels.length,
        chosen + " chosen · showing " + shown + " of " + labels.length);
    }
    search.addEventListener("input", update);
    toggle.addEventListener("change", update);
    list.addEventListener("change", update);
    // Enter in the search field must not send the form.
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    update();
  }

  function start() { document.querySelectorAll("fieldset.picker").forEach(picker); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
