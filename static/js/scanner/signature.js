// The scanner's signature: after a green check-in, when the event asks for signatures, a
// dialog with the pad for the person to sign on this device; Save hands the drawing to
// `keep` (flow.keepSignature: kept with the scan, sent with the scan's nonce now or, offline,
// when the queue syncs), Skip leaves their box blank for a wet signature on the printed list.
import { attachPad } from "../signature-pad.js";

export function createSignature(config, keep) {
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
  let scanNonce = "";

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function close() {
    person = null;
    scanNonce = "";
    if (dialog.open) dialog.close();
    // The handheld scanner types into the code field: give it the focus back at once.
    const code = document.getElementById("scan-code");
    if (code) code.focus({ preventScroll: true });
  }

  async function send() {
    if (pad.isEmpty()) return say(T.signature_empty);
    save.disabled = true;
    try {
      const result = await keep(scanNonce, pad.dataUrl());
      if (result.ok) return close();
      say(result.message || T.signature_failed);
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
    // A green answer, the server's or (offline) this device's own: the person signs now. A
    // re-entry after an exit ("masuk kembali") is not the day's arrival: nothing to sign.
    ask(answer, _offline, nonce) {
      if (answer.status !== "checked_in" || answer.reentry || !answer.participant || !nonce) return;
      person = answer.participant;
      scanNonce = nonce;
      $("signature-name").textContent = person.name;
      say("");
      if (!dialog.open) dialog.showModal();
      pad.fit(); // the canvas has its size only once the dialog is shown
    },
  };
}
