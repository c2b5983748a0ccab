/* The summary page: copy a drafted news paragraph (as edited) to the clipboard.
   No inline script (the Content-Security-Policy forbids it): buttons carry data-copy-target. */
(function () {
  "use strict";

  function say(button, text) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) { status.textContent = text; }
  }

  function fallbackCopy(area) {
    area.focus();
    area.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  function copy(button) {
    var area = document.getElementById(button.getAttribute("data-copy-target"));
    if (!area) { return; }
    var done = function () { say(button, button.getAttribute("data-copied")); };
    var failed = function () {
      if (fallbackCopy(area)) { done(); } else { say(button, button.getAttribute("data-failed")); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done, failed);
    } else {
      failed();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy-target]");
    if (button) { copy(button); }
  });
}());
