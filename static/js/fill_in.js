/* The fill-in page, one section at a time. Without this script every control still
   works: the filter is a GET form, the pickers are plain checkboxes, a save comes back
   to the saved question by its anchor. With it:
   - the filter (all / unanswered / flagged) applies at once, without a reload;
   - a save disables its buttons and says "Saving…", then the page comes back with the
     saved question where it was on screen and the control that had focus focused;
   - a refused save's error summary takes focus, its links focus each field;
   - each instruments picker gets a filter box; ticked instruments always stay shown. */
(function () {
  "use strict";

  var KEY = "coherence.fill-in.position";

  function blockOf(el) { return el && el.closest ? el.closest("[data-indicator]") : null; }

  // --- The filter ----------------------------------------------------------------------
  function matches(block, show) {
    if (show === "flagged") { return block.hasAttribute("data-flagged"); }
    if (show === "unanswered") {
      var radio = block.querySelector("input[type=radio]:checked");
      if (radio) { return radio.value === ""; }
      var na = block.querySelector("input[name^='na-']");
      var number = block.querySelector("input[type=number]");
      return !(na && na.checked) && !(number && number.value.trim() !== "");
    }
    return true;
  }

  function applyFilter(form, filter, show) {
    var shown = 0, total = 0;
    form.querySelectorAll("[data-indicator]").forEach(function (block) {
      var keep = matches(block, show) || block.classList.contains("has-error") ||
        block.classList.contains("has-conflict");
      block.hidden = !keep;
      total += 1;
      shown += keep ? 1 : 0;
    });
    form.querySelectorAll("section.area").forEach(function (area) {
      area.hidden = !area.querySelector("[data-indicator]:not([hidden])");
    });
    form.querySelectorAll("section.dimension").forEach(function (dim) {
      var none = dim.querySelector("[data-none-shown]");
      if (none) { none.hidden = !!dim.querySelector("[data-indicator]:not([hidden])"); }
    });
    var field = form.querySelector("[data-show-field]");
    if (field) { field.value = show; }
    var status = filter.querySelector("[data-show-status]");
    if (status) {
      status.textContent = (filter.getAttribute("data-shown") || "{shown} / {total}")
        .replace("{shown}", shown).replace("{total}", total);
    }
    if (window.history && window.history.replaceState) {
      var url = new URL(window.location.href);
      if (show === "all") { url.searchParams.delete("show"); } else { url.searchParams.set("show", show); }
      window.history.replaceState(null, "", url.toString());
    }
  }

  function setUpFilter(form) {
    var filter = document.querySelector("[data-show-filter]");
    if (!filter) { return; }
    var apply = filter.querySelector("[data-show-apply]");
    if (apply) { apply.hidden = true; }
    filter.addEventListener("change", function (event) {
      if (event.target.name === "show") { applyFilter(form, filter, event.target.value); }
    });
    filter.addEventListener("submit", function (event) {
      event.preventDefault();
      var checked = filter.querySelector("input[name=show]:checked");
      applyFilter(form, filter, checked ? checked.value : "all");
    });
  }

  // --- Saving and coming back where the user was ----------------------------------------
  function setUpSave(form) {
    var last = null; // the last question changed: where the page comes back to
    var lastField = null; // and the control changed in it, focused again after the save
    var lastTop = null; // and where that control was on screen then
    function remember(event) {
      var block = blockOf(event.target);
      if (block && event.target.name) {
        last = block;
        lastField = event.target;
        // A typed field's "change" comes when it loses focus, often to a click on a Save
        // button that has just been scrolled into view: its "input" said where it was.
        var typed = event.target.type === "textarea" || event.target.type === "number";
        if (event.type === "input" || !typed) {
          lastTop = event.target.getBoundingClientRect().top;
        }
      }
    }
    form.addEventListener("change", remember);
    form.addEventListener("input", remember);
    form.addEventListener("submit", function () {
      var active = document.activeElement;
      var block = last || blockOf(active);
      var at = form.querySelector("[data-at-field]");
      if (block && at) { at.value = block.getAttribute("data-indicator"); }
      if (block) {
        var focused = blockOf(active) === block ? active
          : (lastField && blockOf(lastField) === block ? lastField : lastControl(block));
        try {
          window.sessionStorage.setItem(KEY, JSON.stringify({
            path: window.location.pathname,
            at: block.getAttribute("data-indicator"),
            // Where the control was when last changed: the user may have gone to a Save
            // button since.
            top: focused === lastField && lastTop !== null
              ? lastTop : (focused || block).getBoundingClientRect().top,
            focus: focused && focused.id ? focused.id : ""
          }));
        } catch (e) { /* storage refused: the anchor alone brings the user back */ }
      }
      var buttons = document.querySelectorAll("button.save-button");
      buttons.forEach(function (button) {
        button.setAttribute("data-label", button.textContent);
        button.textContent = button.getAttribute("data-saving");
        button.disabled = true;
      });
      form.setAttribute("aria-busy", "true");
      var status = document.querySelector("[data-save-status]");
      if (status && buttons.length) { status.textContent = buttons[0].getAttribute("data-saving"); }
    });
    // Back from the browser's cache after leaving: the buttons work again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("button.save-button[disabled]").forEach(function (button) {
        button.textContent = button.getAttribute("data-label");
        button.disabled = false;
      });
      form.removeAttribute("aria-busy");
    });
  }

  function lastControl(block) {
    return block.querySelector("input[type=radio]:checked:not([disabled])") ||
      block.querySelector("input:not([type=hidden]):not([disabled]), textarea:not([disabled])");
  }

  function restorePosition() {
    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      window.sessionStorage.removeItem(KEY);
    } catch (e) { saved = null; }
    var hash = window.location.hash;
    if (!saved || saved.path !== window.location.pathname || hash.indexOf("#ind-") !== 0) { return; }
    var block = document.getElementById(hash.slice(1));
    if (!block) { return; }
    var target = saved.at === block.getAttribute("data-indicator") && saved.focus
      ? document.getElementById(saved.focus) : null;
    target = target || lastControl(block);
    // The control where it was on screen before the save, not at the top of the window.
    var top = Math.max(0, Math.min(saved.top, window.innerHeight - 80));
    var mark = target || block;
    window.scrollTo(0, window.scrollY + mark.getBoundingClientRect().top - top);
    if (target) { target.focus({ preventScroll: true }); }
    // Say what the save did: the message at the top of the page is out of sight.
    var message = document.querySelector(".messages li");
    var status = document.querySelector("[data-save-status]");
    if (message && status) {
      window.setTimeout(function () { status.textContent = message.textContent; }, 50);
    }
  }

  // --- A refused save: the error summary ------------------------------------------------
  function setUpErrors() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }
    document.querySelectorAll(".error-summary a[data-field]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("data-field"));
        if (!field) { return; }
        event.preventDefault();
        var block = blockOf(field);
        if (block) { block.hidden = false; }
        // The question (the legend) in view, not only the control below it.
        var legend = block ? block.querySelector("legend") : null;
        (legend || field).scrollIntoView({ block: "start" });
        field.focus({ preventScroll: true });
      });
    });
  }

  // --- The instruments pickers -----------------------------------------------------------
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Every instrument on offer, once a page: a picker takes a copy when first opened.
  function fillPicker(picker) {
    var more = picker.querySelector("[data-picker-more]");
    var list = picker.querySelector("[data-picker-list]");
    var template = document.getElementById("instrument-choices");
    if (!more || !list || !template) { return; }
    var code = picker.closest("[data-indicator]").getAttribute("data-indicator");
    var chosen = {};
    list.querySelectorAll("input").forEach(function (input) { chosen[input.value] = true; });
    var copy = template.content.cloneNode(true);
    copy.querySelectorAll("label").forEach(function (label) {
      var input = label.querySelector("input");
      if (chosen[input.value]) { label.remove(); return; }
      input.name = "i-" + code;
    });
    list.appendChild(copy);
    more.remove();
  }

  function setUpPicker(picker) {
    var box = picker.querySelector("[data-picker-filter]");
    var query = picker.querySelector("[data-picker-query]");
    var status = picker.querySelector("[data-picker-status]");
    var count = picker.querySelector("[data-chosen-count]");
    var more = picker.querySelector("[data-picker-more]");
    if (more) {
      more.addEventListener("click", function (event) {
        event.preventDefault();
        fillPicker(picker);
        if (query) { query.focus(); }
      });
    }
    // Opened by the user (a click, or Enter or Space on the summary), not by the page.
    var summary = picker.querySelector("summary");
    if (summary) {
      summary.addEventListener("click", function () {
        window.setTimeout(function () { if (picker.open) { fillPicker(picker); } }, 0);
      });
    }
    if (box && query) {
      box.hidden = false;
      query.addEventListener("input", function () {
        fillPicker(picker);
        var labels = picker.querySelectorAll("[data-picker-list] label");
        var words = fold(query.value).split(/\s+/).filter(Boolean);
        var shown = 0;
        labels.forEach(function (label) {
          var input = label.querySelector("input");
          var text = fold(label.textContent);
          // A ticked instrument always stays in sight: filtering never hides a choice.
          var keep = input.checked || words.every(function (w) { return text.indexOf(w) >= 0; });
          label.hidden = !keep;
          shown += keep ? 1 : 0;
        });
        if (status) {
          status.textContent = words.length
            ? (picker.getAttribute("data-shown") || "{shown} / {total}")
              .replace("{shown}", shown).replace("{total}", labels.length)
            : "";
        }
      });
    }
    picker.addEventListener("change", function () {
      if (count) {
        count.textContent = String(picker.querySelectorAll("[data-picker-list] input:checked").length);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("answers-form");
    setUpErrors();
    if (!form) { return; }
    setUpFilter(form);
    setUpSave(form);
    form.querySelectorAll("[data-picker]").forEach(setUpPicker);
    // After the browser's own move to the #fragment, which would undo ours.
    window.addEventListener("load", function () { window.setTimeout(restorePosition, 0); });
  });
})();
