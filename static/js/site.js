/* What every page shares: the menu button of narrow screens, wide tables in a focusable
   scroll box that says it scrolls, and scores "being computed" that refresh by
   themselves. Without JavaScript the menu shows whole (it wraps) and the page is the
   same as the server sent it. */
(function () {
  "use strict";

  function menu() {
    var header = document.querySelector("header.top");
    var button = header && header.querySelector(".menu-toggle");
    var target = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!target) { return; }
    header.classList.add("has-menu");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        header.classList.remove("menu-open");
        button.focus();
      }
    });
  }

  /* A table wider than its box scrolls inside a labelled, focusable region (so a
     keyboard can scroll it) that shows a cue while some of it is out of sight. */
  function scrollBox(box) {
    var table = box.querySelector("table");
    if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
    if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
    var caption = table && table.caption;
    if (caption && !box.hasAttribute("aria-labelledby") && !box.hasAttribute("aria-label")) {
      if (!caption.id) { caption.id = (table.id || "table-" + Math.random().toString(36).slice(2)) + "-caption"; }
      box.setAttribute("aria-labelledby", caption.id);
    }
    function update() {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", wide);
      box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    }
    box.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function wrapTables(root) {
    Array.prototype.forEach.call(root.querySelectorAll("main table"), function (table) {
      var parent = table.parentElement;
      if (!parent.classList.contains("table-wrap")) {
        var box = document.createElement("div");
        box.className = "table-wrap";
        parent.insertBefore(box, table);
        box.appendChild(table);
        parent = box;
      }
      scrollBox(parent);
    });
  }

  /* Scores "being computed" (.pending) and stale dashboards ([data-refresh=reload]):
     fetch the page again, waiting longer each time (2 s, 3 s, … at most 30 s, for
     ten minutes), and put in what is ready: the table around a pending figure, or the
     whole page for a stale dashboard. */
  function regionOf(el) {
    return el.closest("table, [data-refresh-region], p, li, section") || el.parentElement;
  }

  function pathOf(region) {
    var tag = region.tagName.toLowerCase();
    var all = document.querySelectorAll("main " + tag);
    return { tag: tag, index: Array.prototype.indexOf.call(all, region) };
  }

  function refresh() {
    var reload = document.querySelector("[data-refresh=reload]");
    var pending = document.querySelectorAll("main .pending");
    // A page answered to a POST (a form shown again) has no address to fetch again.
    if (!document.body.hasAttribute("data-refetch")) { return; }
    if (!reload && !pending.length) { return; }
    var regions = [];
    Array.prototype.forEach.call(pending, function (el) {
      var region = regionOf(el);
      if (regions.indexOf(region) === -1) { regions.push(region); }
    });
    var targets = regions.map(pathOf);
    var delay = 2000, waited = 0;
    function poll() {
      if (document.hidden) { window.setTimeout(poll, delay); return; }
      window.fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (text === null) { return schedule(); }
          var fresh = new window.DOMParser().parseFromString(text, "text/html");
          if (reload) {
            if (!fresh.querySelector("[data-refresh=reload]")) { window.location.reload(); return; }
            return schedule();
          }
          var left = [];
          targets.forEach(function (t, i) {
            var now = fresh.querySelectorAll("main " + t.tag)[t.index];
            var region = regions[i];
            if (now && !now.querySelector(".pending") && !now.classList.contains("pending")) {
              region.replaceWith(document.importNode(now, true));
            } else {
              left.push(i);
            }
          });
          targets = left.map(function (i) { return targets[i]; });
          regions = left.map(function (i) { return regions[i]; });
          if (targets.length) { schedule(); }
        })
        .catch(schedule);
    }
    function schedule() {
      waited += delay;
      if (waited > 600000) { return; }
      delay = Math.min(Math.round(delay * 1.5), 30000);
      window.setTimeout(poll, delay);
    }
    window.setTimeout(poll, delay);
  }

  function start() {
    menu();
    wrapTables(document);
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
