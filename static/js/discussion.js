/* The discussion beside each answer (templates/assessments/_discussion.html). Nothing
   depends on this script: without it every comment is a plain form post and "Mark as
   read" a button.
   - opening a thread with unread comments marks it read (a POST, as the button would);
   - typing a comment does not count as an unsaved change of the answers form. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("#discussion-form input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function markRead(thread) {
    var url = thread.getAttribute("data-read-url");
    if (!url || !thread.querySelector("[data-unread]")) { return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { return; }
      thread.querySelectorAll("[data-unread]").forEach(function (el) { el.remove(); });
      thread.querySelectorAll(".comment.unread").forEach(function (el) {
        el.classList.remove("unread");
      });
    });
  }

  document.querySelectorAll("details[data-discussion]").forEach(function (thread) {
    thread.addEventListener("toggle", function () {
      if (thread.open) { markRead(thread); }
    });
    // The answers form around a thread tracks unsaved answers: a comment is not one.
    ["input", "change"].forEach(function (type) {
      thread.addEventListener(type, function (event) { event.stopPropagation(); });
    });
  });
})();
