// The scanner's signature: after a green check-in, when the event asks for signatures, a
// dialog with the pad for the person to sign on this device; Save sends it to the API
// (POST .../signatures), Skip leaves their box blank for a wet signature on the printed list.
// Only online: an offline check-in is judged on this device and the person signs the paper.
import { attachPad } from "../signature-pad.js";

export function createSignature(config) {
  const T = config.strings;
  const dialog = document.getElementById("signature-dialog");
  if (!config.signature || !config.signature.ask || !dialog) return { ask: () => {} };
  const $ = (id) => document.getElementById(id);
  const message = $("signature-message");
  const save = $("signature-save");
  const pad = attachPad($("scanner-signature-pad"), () => {
    message.hidden = true;
  });
  let person = null;

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function close() {
    person = null;
    if (dialog.open) dialog.close();
    // The handheld scanner types into the code field: give it the focus back at once.
    const code = document.getElementById("scan-code");
    if (code) code.focus({ preventScroll: true });
  }

  async function send() {
    if (pad.isEmpty()) return say(T.signature_empty);
    save.disabled = true;
    try {
      const token = document.querySelector('meta[name="csrf-token"]');
      const response = await fetch(config.signature.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": token ? token.content : "",
        },
        body: JSON.stringify({ participant_id: person.id, image: pad.dataUrl() }),
      });
      if (response.ok) return close();
      const body = await response.json().catch(() => ({}));
      say((body.error && body.error.message) || T.signature_failed);
    } catch (err) {
      say(T.signature_failed);
    } finally {
      save.disabled = false;
    }
  }

  save.addEventListener("click", send);
  $("signature-skip").addEventListener("click", close);
  $("signature-clear").addEventListener("click", () => pad.clear());

  return {
    ask(answer, offline) {
      if (offline || answer.status !== "checked_in" || answer.reentry || !answer.participant) return;
      person = answer.participant;
      $("signature-name").textContent = person.name;
      say("");
      if (!dialog.open) dialog.showModal();
      pad.fit(); // the canvas has its size only once the dialog is shown
    },
  };
}
