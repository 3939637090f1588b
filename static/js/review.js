/* The reviewer's page and the queue. Without this script everything still works: the
   answers' filter is a GET form, links jump to their targets, and validating or reopening
   shows a confirmation page instead of the dialog.
   - links with data-focus move focus to their target (the return form, a field in error);
   - an error summary marked data-focus-on-load takes focus when the page opens;
   - forms with data-confirm-with ask in an accessible <dialog> before they post;
   - the answers' filter shows only the answers chosen, without a reload;
   - a flag's comment box shows once its answer is flagged; the tally follows. */
(function () {
  "use strict";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  // --- Focus -------------------------------------------------------------------------------

  function focusOn(target) {
    var row = target.closest("tr[hidden]");
    if (row) { applyFilter("all"); }
    var box = target.closest("[data-flag-comment][hidden]");
    if (box) { box.hidden = false; }
    if (!target.matches("a, button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
    target.scrollIntoView({ block: "start" });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-focus]");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("data-focus"));
    if (!target) { return; }
    event.preventDefault();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + target.id);
    }
    focusOn(target);
  });

  // --- Confirmation dialogs ------------------------------------------------------------

  function confirmWith(form) {
    var dialog = document.getElementById(form.getAttribute("data-confirm-with"));
    var field = form.querySelector("[data-confirmed]");
    // Without <dialog> support the server asks instead (the confirmation page).
    if (!dialog || !field || typeof dialog.showModal !== "function") { return; }
    var trigger = null;
    var yes = dialog.querySelector("[data-confirm-yes]");
    form.addEventListener("submit", function (event) {
      if (field.value === "yes") { return; }
      // A reopen without its reason goes to the server, which says what is missing.
      var reason = form.querySelector("textarea");
      if (reason && !reason.value.trim()) { return; }
      event.preventDefault();
      trigger = event.submitter || form.querySelector("button[type=submit]");
      dialog.showModal();
    });
    yes.addEventListener("click", function () {
      yes.disabled = true;
      field.value = "yes";
      dialog.close();
      form.submit();
    });
    dialog.querySelector("[data-confirm-no]").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (field.value !== "yes" && trigger) { trigger.focus(); }
    });
  }

  // --- The answers' filter -------------------------------------------------------------

  var filterForm = null;

  function matches(row, value) {
    if (value === "answered") { return row.getAttribute("data-answered") === "1"; }
    if (value === "flagged") {
      return row.getAttribute("data-flagged") === "1" ||
        !!row.querySelector("input[name=flag]:checked");
    }
    if (value === "departing") { return row.getAttribute("data-departs") === "1"; }
    return true;
  }

  function applyFilter(value) {
    var shown = 0;
    all("tr.answer-row").forEach(function (row) {
      var show = matches(row, value);
      row.hidden = !show;
      if (show) { shown += 1; }
    });
    // A table with no row left goes, and so does a section heading with no table left.
    all(".answers-section div[data-filter-group]").forEach(function (wrap) {
      wrap.hidden = !wrap.querySelector("tr.answer-row:not([hidden])");
    });
    all(".answers-section h3[data-filter-group]").forEach(function (heading) {
      var next = heading.nextElementSibling;
      var visible = false;
      while (next && next.matches("div[data-filter-group]")) {
        if (!next.hidden) { visible = true; }
        next = next.nextElementSibling;
      }
      heading.hidden = !visible;
    });
    var empty = document.querySelector("[data-filter-empty]");
    if (empty) { empty.hidden = shown > 0; }
    if (!filterForm) { return; }
    var radio = filterForm.querySelector("input[name=show][value='" + value + "']");
    if (radio) { radio.checked = true; }
    var status = document.getElementById("filter-status");
    if (status) {
      status.textContent = status.getAttribute("data-template").replace("__SHOWN__", String(shown));
    }
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      if (value === "all") { url.searchParams.delete("show"); } else { url.searchParams.set("show", value); }
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  }

  function chosenFilter() {
    var checked = filterForm.querySelector("input[name=show]:checked");
    return checked ? checked.value : "all";
  }

  function setUpFilter(form) {
    filterForm = form;
    var submit = form.querySelector("[data-filter-submit]");
    if (submit) { submit.hidden = true; }
    form.addEventListener("change", function () { applyFilter(chosenFilter()); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilter(chosenFilter());
    });
    applyFilter(chosenFilter());
  }

  // --- Flags ---------------------------------------------------------------------------

  function syncFlag(box) {
    var wrap = document.getElementById(box.getAttribute("aria-controls"));
    if (!wrap) { return; }
    var text = wrap.querySelector("textarea");
    var keep = box.checked || (text && text.value.trim() !== "") || !!wrap.querySelector(".error");
    wrap.hidden = !keep;
    var row = box.closest("tr");
    if (row) { row.classList.toggle("flagging", box.checked); }
  }

  function tally() {
    var count = document.querySelector("[data-flag-count]");
    if (count) { count.textContent = String(all("input[name=flag]:checked").length); }
  }

  function setUpFlags() {
    var boxes = all("input[type=checkbox][name=flag]");
    boxes.forEach(function (box) {
      syncFlag(box);
      box.addEventListener("change", function () {
        syncFlag(box);
        tally();
      });
    });
    if (boxes.length) { tally(); }
  }

  function start() {
    all("form[data-confirm-with]").forEach(confirmWith);
    var form = document.getElementById("answer-filter");
    if (form) { setUpFilter(form); }
    setUpFlags();
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { focusOn(summary); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
