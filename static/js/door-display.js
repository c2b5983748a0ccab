// The door screen: swaps in a new check-in QR code when the 30-second slot turns
// (GET /events/<id>/door/code.json). The server accepts the current and the previous code,
// so a photo of the screen forwarded by chat stops working within a minute.
(function () {
  "use strict";
  const display = document.querySelector("[data-door-display]");
  if (!display) return;
  const img = display.querySelector("[data-qr]");
  const offline = display.querySelector("[data-offline]");
  const url = display.dataset.codeUrl;

  function schedule(seconds) {
    // A moment after the slot turns, so the server is surely in the new slot too.
    window.setTimeout(refresh, Math.max(1, seconds + 0.5) * 1000);
  }

  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const code = await response.json();
      img.src = code.qr;
      display.dataset.url = code.url;
      if (offline) offline.hidden = true;
      schedule(code.refresh_in);
    } catch (error) {
      if (offline) offline.hidden = false;
      schedule(5);
    }
  }

  schedule(Number(display.dataset.refreshIn) || 30);
})();
