// The board's projector view: one tap puts the page in full screen (browsers allow it only
// after a tap). Escape or the browser's own control leaves it.
for (const button of document.querySelectorAll("[data-fullscreen]")) {
  if (!document.fullscreenEnabled) {
    button.hidden = true;
    continue;
  }
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
}
