// Hotline screen: a tap on a proposal fills the form; "same problem" marks a duplicate.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("#assist .chip");
    if (!chip) { return; }
    var form = document.getElementById("hotline-form");
    if (chip.dataset.set) {
      var input = document.getElementById(chip.dataset.set);
      input.value = chip.dataset.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (chip.dataset.duplicate) {
      form.elements.duplicate_of.value = chip.dataset.duplicate;
      var note = document.getElementById("duplicate-choice");
      note.hidden = false;
      note.textContent = (document.documentElement.lang === "en"
        ? "Will be merged into " : "Sẽ gộp vào ") + chip.dataset.duplicate;
    }
  });
})();
