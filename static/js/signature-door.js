// The door page's signature: the pad in the check-in form and in the walk-in form, when the
// event asks for one. The drawing goes in the form's hidden field named by `data-signature`
// when the form is sent; the one named by `data-pad` tells the server this browser showed the pad (without JavaScript there is none, and the list is signed by
// hand at the door instead).
import { attachPad } from "./signature-pad.js";

for (const box of document.querySelectorAll("[data-signature]")) {
  const form = box.closest("form");
  const canvas = box.querySelector("canvas");
  const field = form.elements.namedItem(box.dataset.signature);
  const shown = form.elements.namedItem(box.dataset.pad);
  box.hidden = false;
  shown.value = "1";
  const pad = attachPad(canvas);
  box.querySelector("[data-signature-clear]").addEventListener("click", () => pad.clear());
  form.addEventListener("submit", () => {
    field.value = pad.isEmpty() ? "" : pad.dataUrl();
  });
}
