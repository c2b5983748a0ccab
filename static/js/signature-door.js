// The door page's signature: the pad in the check-in form, when the event asks for one. The
// drawing goes in the hidden field `signature` when the form is sent; `pad` tells the server
// this browser showed the pad (without JavaScript there is none, and the list is signed by
// hand at the door instead).
import { attachPad } from "./signature-pad.js";

for (const box of document.querySelectorAll("[data-signature]")) {
  const form = box.closest("form");
  const canvas = box.querySelector("canvas");
  const field = form.querySelector("input[name=signature]");
  const shown = form.querySelector("input[name=pad]");
  box.hidden = false;
  shown.value = "1";
  const pad = attachPad(canvas);
  box.querySelector("[data-signature-clear]").addEventListener("click", () => pad.clear());
  form.addEventListener("submit", () => {
    field.value = pad.isEmpty() ? "" : pad.dataUrl();
  });
}
