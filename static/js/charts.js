/* Draws every chart of a dashboard page from the JSON the server embeds with
   json_script, and sorts tables on a header click. Without JavaScript the page still
   has every number in its tables, and the header links sort on the server. */
(function () {
  "use strict";

  function cellUrl(base, x, y) {
    var sep = base.indexOf("?") === -1 ? "?" : (/[?&]$/.test(base) ? "" : "&");
    return base + sep + "level=" + encodeURIComponent(y) + "&tool_type=" + encodeURIComponent(x);
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    el.textContent = "";
    // The chart's own height holds its box: when the window changes width, Plotly fits the
    // chart to its box, which without this would shrink to its minimum and let the next
    // chart cover this one's lower part.
    if (figure.layout && figure.layout.height) { el.style.height = figure.layout.height + "px"; }
    window.Plotly.newPlot(el, figure.data, figure.layout, figure.config).then(function (gd) {
      var base = el.getAttribute("data-cell-url");
      if (base) {
        gd.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          if (point) { window.location.href = cellUrl(base, point.x, point.y); }
        });
      }
      el.setAttribute("data-drawn", "true");
    });
  }

  function sortValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    return raw;
  }

  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var values = rows.map(function (row) { return sortValue(row.cells[index]); });
    var numeric = values.every(function (v) { return v === "" || !isNaN(Number(v)); });
    var keyed = rows.map(function (row, i) { return { row: row, value: values[i], i: i }; });
    keyed.sort(function (a, b) {
      if (a.value === "" && b.value !== "") { return 1; }  // missing values last
      if (b.value === "" && a.value !== "") { return -1; }
      var order = numeric ? Number(a.value) - Number(b.value) : a.value.localeCompare(b.value);
      if (order === 0) { return a.i - b.i; }
      return ascending ? order : -order;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function sortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener("click", function (event) {
        event.preventDefault();
        sortTable(table, index, th);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
