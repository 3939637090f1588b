/* Progressive helpers for the assessment pages. Nothing depends on them: without this
   script every form still posts and every count is right after the next page load.
   - live progress counts on the fill-in form;
   - a warning before leaving the page with unsaved changes;
   - "not applicable" clears the number it replaces;
   - a confirmation before submitting for review. */
(function () {
  "use strict";

  function answered(block) {
    var radio = block.querySelector("input[type=radio]:checked");
    if (radio) { return radio.value !== ""; }
    var na = block.querySelector("input[type=checkbox][name^='na-']");
    if (na && na.checked) { return true; }
    var number = block.querySelector("input[type=number]");
    return !!(number && number.value.trim() !== "");
  }

  function updateProgress(form) {
    var counts = {};
    var blocks = form.querySelectorAll("[data-indicator]");
    var total = 0;
    blocks.forEach(function (block) {
      var yes = answered(block) ? 1 : 0;
      total += yes;
      var group = block.parentElement.closest("[data-group]");
      while (group) {
        var key = group.getAttribute("data-group");
        counts[key] = (counts[key] || 0) + yes;
        group = group.parentElement ? group.parentElement.closest("[data-group]") : null;
      }
    });
    document.querySelectorAll("[data-progress]").forEach(function (el) {
      var key = el.getAttribute("data-progress");
      var value = key === "all" ? total : (counts[key] || 0);
      el.textContent = String(value);
    });
  }

  function setUp(form) {
    var dirty = false;
    var note = form.querySelector("[data-dirty-note]");
    function markDirty() {
      dirty = true;
      if (note) { note.hidden = false; }
    }
    // Shown again after a conflict or a refusal: the user's input is not saved yet.
    if (form.hasAttribute("data-unsaved")) { markDirty(); }
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.name && target.name.indexOf("na-") === 0 && target.checked) {
        var number = form.querySelector("#v-" + CSS.escape(target.name.slice(3)));
        if (number) { number.value = ""; }
      }
      markDirty();
      updateProgress(form);
    });
    form.addEventListener("input", function () {
      markDirty();
      updateProgress(form);
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    document.querySelectorAll("form[data-confirm]").forEach(function (other) {
      other.addEventListener("submit", function (event) {
        // Submitting leaves the page: unsaved changes would be lost, so say it first.
        var question = dirty
          ? other.getAttribute("data-confirm-dirty") || other.getAttribute("data-confirm")
          : other.getAttribute("data-confirm");
        if (!window.confirm(question)) {
          event.preventDefault();
          return;
        }
        dirty = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("answers-form");
    if (form) { setUp(form); }
  });
})();
