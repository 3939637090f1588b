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

  // The page holds one section of the form: a count is the server's figure plus what
  // changed on this page since it loaded, so the other sections' answers still count.
  var initial = null;

  function countsOf(form) {
    var counts = { all: 0 };
    form.querySelectorAll("[data-indicator]").forEach(function (block) {
      var yes = answered(block) ? 1 : 0;
      counts.all += yes;
      var group = block.parentElement.closest("[data-group]");
      while (group) {
        var key = group.getAttribute("data-group");
        counts[key] = (counts[key] || 0) + yes;
        group = group.parentElement ? group.parentElement.closest("[data-group]") : null;
      }
    });
    return counts;
  }

  function updateProgress(form) {
    var counts = countsOf(form);
    document.querySelectorAll("[data-progress]").forEach(function (el) {
      var key = el.getAttribute("data-progress");
      if (!el.hasAttribute("data-server")) {
        el.setAttribute("data-server", el.textContent.trim());
      }
      var server = parseInt(el.getAttribute("data-server"), 10) || 0;
      el.textContent = String(server + (counts[key] || 0) - (initial[key] || 0));
    });
  }

  function setUp(form) {
    initial = countsOf(form);
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
      if (!target.name) { return; } // a picker's filter box: not an answer
      if (target.name && target.name.indexOf("na-") === 0 && target.checked) {
        var number = form.querySelector("#v-" + CSS.escape(target.name.slice(3)));
        if (number) { number.value = ""; }
      }
      markDirty();
      updateProgress(form);
    });
    form.addEventListener("input", function (event) {
      if (!event.target.name) { return; }
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
