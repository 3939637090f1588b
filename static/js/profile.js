// The profile's PDF being prepared: ask the status endpoint every two seconds and
// reload once it is ready, when the server serves the PDF itself. The page's own meta refresh
// does the same without JavaScript.
(function () {
  "use strict";
  const box = document.getElementById("pdf-status");
  if (!box || !box.dataset.statusUrl) return;
  const poll = function () {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.state === "ready") window.location.reload();
        else window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  };
  window.setTimeout(poll, 1500);
})();
