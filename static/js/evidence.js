// Evidence documents on the fill-in page (templates/assessments/_evidence.html): files
// chosen or dropped on an answer are uploaded one request each to the API, each with its
// own progress bar; a remove button asks the API to remove one. Without this script the
// same controls post the page-level form #evidence-form.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("#evidence-form input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function humanSize(bytes) {
    var units = ["bytes", "KB", "MB", "GB"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
  }

  function errorText(xhr) {
    try {
      return JSON.parse(xhr.responseText).error.message;
    } catch (ignored) {
      return xhr.status ? "HTTP " + xhr.status : "";
    }
  }

  function removeButton(box, url) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "evidence-remove";
    button.textContent = box.getAttribute("data-remove-label");
    button.setAttribute("data-remove-url", url);
    return button;
  }

  function listed(box, doc) {
    var li = document.createElement("li");
    li.setAttribute("data-document", "");
    var link = document.createElement("a");
    link.href = doc.download_url;
    link.textContent = doc.name;
    var meta = document.createElement("span");
    meta.className = "evidence-meta";
    meta.textContent = humanSize(doc.size) + " · " + doc.type;
    li.append(link, " ", meta, " ", removeButton(box, box.getAttribute("data-upload-url") + doc.id + "/"));
    return li;
  }

  function noneShown(box, shown) {
    var none = box.querySelector("[data-evidence-none]");
    if (none) { none.hidden = !shown; }
    box.querySelector("[data-evidence-count]").textContent =
      box.querySelectorAll("[data-document]").length;
  }

  // The documents fold away under their summary; a file on its way opens them.
  function opened(box) {
    box.querySelector("[data-evidence-box]").open = true;
  }

  // Files go one request each, one after the other: every file shows its own progress bar
  // at once, and the server takes one at a time.
  var queue = Promise.resolve();

  function enqueue(box, file) {
    var row = pending(box, file);
    queue = queue.then(function () {
      return new Promise(function (done) { send(box, file, row, done); });
    });
  }

  function pending(box, file) {
    var li = document.createElement("li");
    li.className = "uploading";
    var name = document.createElement("span");
    name.textContent = file.name;
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", file.name);
    li.append(name, " ", progress);
    box.querySelector("[data-evidence-list]").append(li);
    opened(box);
    noneShown(box, false);
    return { li: li, progress: progress };
  }

  function failed(box, row, why) {
    row.progress.remove();
    row.li.className = "evidence-error";
    row.li.setAttribute("role", "alert");
    row.li.append(box.getAttribute("data-failed") + (why ? ": " + why : ""));
  }

  function send(box, file, row, done) {
    var xhr = new XMLHttpRequest();
    xhr.addEventListener("loadend", done);
    xhr.open("POST", box.getAttribute("data-upload-url"));
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        row.progress.value = Math.round((100 * event.loaded) / event.total);
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status !== 201) {
        failed(box, row, errorText(xhr));
        return;
      }
      JSON.parse(xhr.responseText).documents.forEach(function (doc) {
        row.li.before(listed(box, doc));
      });
      row.li.remove();
      noneShown(box, false);
    });
    xhr.addEventListener("error", function () { failed(box, row, ""); });
    var data = new FormData();
    data.append("files", file, file.name);
    xhr.send(data);
  }

  function remove(box, button) {
    button.disabled = true;
    fetch(button.getAttribute("data-remove-url"), {
      method: "DELETE",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.status === 200) {
        button.closest("li").remove();
        noneShown(box, !box.querySelector("[data-document]"));
        return;
      }
      return response.json().then(function (body) {
        button.disabled = false;
        button.after(" " + box.getAttribute("data-remove-failed") + ": " + body.error.message);
      });
    });
  }

  function setUp(box) {
    var input = box.querySelector("[data-evidence-input]");
    var drop = box.querySelector("[data-evidence-drop]");
    var submit = box.querySelector("[data-evidence-submit]");
    if (submit) { submit.hidden = true; }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-url]");
      if (button) {
        event.preventDefault();
        remove(box, button);
      }
    });
    if (!input) { return; }
    // Choosing files is not an unsaved change of the answers form around them.
    input.addEventListener("input", function (event) { event.stopPropagation(); });
    input.addEventListener("change", function (event) {
      event.stopPropagation();
      Array.prototype.forEach.call(input.files, function (file) { enqueue(box, file); });
      input.value = "";
    });
    box.addEventListener("dragenter", function () { opened(box); });
    drop.addEventListener("dragover", function (event) {
      event.preventDefault();
      drop.classList.add("dragging");
    });
    drop.addEventListener("dragleave", function () { drop.classList.remove("dragging"); });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      drop.classList.remove("dragging");
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { enqueue(box, file); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-evidence]").forEach(setUp);
  });
})();
