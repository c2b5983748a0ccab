// The scanner page's DOM: the answer panel, the lists, the counts, the banners, and the
// controls a person uses (gate and device, tumbler, code field, camera, search). It holds no
// scan of its own: the flow (flow.js) tells it what to show, and it tells the flow what was done.
import * as camera from "./camera.js";
import * as feedback from "./feedback.js";
import { doorState, ticketCode } from "./judge.js";
import { colour } from "./words.js";

const HISTORY_SHOWN = 30;
const KEYS = {
  gate: "tracker.scanner.gate",
  mode: "tracker.scanner.mode.", // + the event's id: entry, exit or session:<id>
  device: "tracker.scanner.device",
  sound: "tracker.scanner.sound",
  camera: "tracker.scanner.camera",
};

function elements() {
  const $ = (id) => document.getElementById(id);
  return {
    root: $("scanner"),
    answer: $("scan-answer"),
    answerTitle: $("answer-title"),
    answerName: $("answer-name"),
    answerDetail: $("answer-detail"),
    codeForm: $("code-form"),
    code: $("scan-code"),
    keyboardToggle: $("keyboard-toggle"),
    tumbler: $("tumbler"),
    gateChip: $("gate-chip"),
    gateLabel: $("gate-label"),
    gate: $("gate-name"),
    mode: $("scan-mode"),
    device: $("device-name"),
    sound: $("sound-on"),
    settings: $("scan-settings"),
    net: $("net-state"),
    countIn: $("count-in"),
    countRegistered: $("count-registered"),
    doorBanner: $("door-banner"),
    loginBanner: $("login-banner"),
    loginText: $("login-text"),
    queue: $("scan-queue"),
    queueCount: $("queue-count"),
    queueList: $("queue-list"),
    historyList: $("history-list"),
    syncNow: $("sync-now"),
    searchQ: $("search-q"),
    searchResults: $("search-results"),
    cameraView: $("camera-view"),
    video: $("camera-video"),
    canvas: $("camera-canvas"),
    cameraToggle: $("camera-toggle"),
    cameraError: $("camera-error"),
    listState: $("list-state"),
    forget: $("forget-data"),
  };
}

// This device's settings, kept in localStorage (in private mode: as long as the page).
function storage(key, value) {
  try {
    if (value === undefined) return window.localStorage.getItem(key);
    window.localStorage.setItem(key, value);
  } catch (err) {
    /* private mode: settings last as long as the page */
  }
  return value;
}

// `decoderUrl`: the QR decoder for browsers without BarcodeDetector (camera.js loads it then).
export function createView(words, newDeviceName, decoderUrl) {
  const el = elements();
  const { T, hhmm, when, fill, categoryLabel, tumblerLabel, answerTitle } = words;
  let answerTimer = null;

  // ---------------------------------------------------------------- the answer

  function showAnswer(answer, offline, scanNonce) {
    const status = answer.status;
    el.answer.dataset.status = status;
    el.answer.dataset.colour = colour(status);
    el.answer.dataset.offline = offline ? "1" : "0";
    el.answer.dataset.nonce = scanNonce || "";
    el.answer.classList.remove("stale", "flash");
    void el.answer.offsetWidth; // restart the flash animation
    el.answer.classList.add("flash");
    el.answerTitle.textContent = answerTitle(answer, offline);
    const person = answer.participant;
    el.answerName.textContent = person ? person.name : "";
    const details = [];
    if (person) details.push(person.agency, categoryLabel(person.category));
    if (status === "checked_in" && answer.brought_tumbler !== undefined) {
      details.push(tumblerLabel(answer.brought_tumbler));
    }
    if (answer.message) details.push(answer.message);
    el.answerDetail.textContent = details.filter(Boolean).join(" · ");
    clearTimeout(answerTimer);
    if (status !== "checking") {
      // An old answer fades so that nobody reads it as the next person's.
      answerTimer = setTimeout(() => el.answer.classList.add("stale"), 8000);
    }
  }

  // A queued scan's answer came from the server: the panel changes if it still shows it.
  function updateAnswer(answer, scanNonce) {
    if (el.answer.dataset.nonce === scanNonce) showAnswer(answer, false, scanNonce);
  }

  function signal(status) {
    if (el.sound.checked) feedback.signal(status);
  }

  // ---------------------------------------------------------------- network, login, door

  function showNetwork(offline) {
    el.net.dataset.online = offline ? "0" : "1";
    el.net.textContent = offline ? T.offline : T.online;
    document.body.classList.toggle("is-offline", offline);
  }

  function showLogin(show) {
    el.loginBanner.hidden = !show;
    if (show) el.loginText.textContent = T.login_again;
  }

  // When the door opens next: the first day's opening, or between days the next day's.
  function nextOpening(event) {
    const now = Date.now();
    const next = (event.days || []).find((d) => Date.parse(d.opens_at) > now);
    return next ? next.opens_at : event.checkin_opens_at;
  }

  function showDoor(event) {
    const door = doorState(event, Date.now());
    el.root.dataset.door = door;
    const text = {
      draft: T.window_draft,
      closed: T.window_closed,
      archived: T.window_archived,
      not_yet: fill(T.window_not_yet, { time: when(nextOpening(event)) }),
      ended: fill(T.window_ended, { time: when(event.checkin_closes_at) }),
    }[door];
    el.doorBanner.hidden = !text;
    if (text) el.doorBanner.textContent = text;
  }

  // ---------------------------------------------------------------- lists and counts

  function showList(list) {
    if (!list) {
      delete el.root.dataset.list;
      el.listState.textContent = T.list_missing;
      return;
    }
    el.root.dataset.list = String(list.tickets.length);
    el.listState.textContent = fill(T.list_age, {
      n: list.tickets.length,
      time: hhmm(new Date(list.fetched_at).toISOString()),
    });
  }

  function showForgotten(blocked) {
    el.listState.textContent = blocked ? T.forget_blocked : T.forgotten;
  }

  function showCounts(counts) {
    if (!counts) return;
    el.countIn.textContent = String(counts.inside);
    el.countRegistered.textContent = String(counts.registered != null ? counts.registered : "–");
  }

  function shortCode(body) {
    if (body.code) return `${ticketCode(body.code).slice(0, 6)}…`;
    return `#${body.participant_id}`;
  }

  // A signature kept with its scan: waiting on this device, sent, or not kept.
  const SIGNATURE_WORDS = {
    pending: "signature_waiting",
    sent: "signature_sent",
    refused: "signature_refused",
  };

  function scanLine(item) {
    const answer = item.server || item.local || { status: "error" };
    const li = document.createElement("li");
    li.dataset.nonce = item.nonce;
    li.dataset.status = answer.status;
    li.dataset.colour = colour(answer.status);
    li.dataset.state = item.state;
    const time = document.createElement("span");
    time.className = "scan-time";
    time.textContent = hhmm(item.body.scanned_at);
    const who = document.createElement("span");
    who.className = "scan-who";
    who.textContent = answer.participant ? answer.participant.name : shortCode(item.body);
    const what = document.createElement("span");
    what.className = "scan-what";
    const label = answer.status === "unverified" ? "" : answerTitle(answer, false);
    const stateWord = { queued: T.queued, sent: T.synced, failed: T.failed }[item.state];
    const signed = item.signature ? SIGNATURE_WORDS[item.signature.state] : "";
    if (item.signature) li.dataset.signature = item.signature.state;
    const parts = [label, stateWord, item.message, signed && T[signed], item.signature && item.signature.message];
    what.textContent = parts.filter(Boolean).join(" · ");
    if (item.server && item.local && item.server.status !== item.local.status) {
      li.classList.add("changed"); // the server saw it differently from the offline guess
    }
    li.append(time, who, what);
    return li;
  }

  function emptyLine(text) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = text;
    return li;
  }

  function showScans(scans) {
    const queued = scans
      .filter((s) => s.state === "queued")
      .sort((a, b) => a.created_at - b.created_at);
    el.queue.dataset.count = String(queued.length);
    el.queueCount.textContent = String(queued.length);
    el.queueList.replaceChildren(...queued.map(scanLine));
    if (!queued.length) el.queueList.append(emptyLine(T.queue_empty));
    el.syncNow.hidden = !queued.length;
    const recent = [...scans].sort((a, b) => b.created_at - a.created_at).slice(0, HISTORY_SHOWN);
    el.historyList.replaceChildren(...recent.map(scanLine));
    if (!recent.length) el.historyList.append(emptyLine(T.history_empty));
  }

  // ---------------------------------------------------------------- gate, device, tumbler

  function showGate() {
    const gate = el.gate.value.trim();
    el.gateLabel.textContent = gate || "–";
    el.gateChip.classList.toggle("unset", !gate);
    el.gateChip.title = gate ? "" : T.gate_needed;
  }

  function setupDevice() {
    let device = storage(KEYS.device);
    if (!device) device = storage(KEYS.device, newDeviceName());
    el.device.value = device;
    el.gate.value = storage(KEYS.gate) || "";
    el.sound.checked = storage(KEYS.sound) !== "0";
    showGate();
    if (!el.gate.value) el.settings.open = true;
    el.gate.addEventListener("input", () => {
      storage(KEYS.gate, el.gate.value.trim());
      showGate();
    });
    el.device.addEventListener("input", () => storage(KEYS.device, el.device.value.trim()));
    const modeKey = KEYS.mode + el.root.dataset.eventId;
    const kept = storage(modeKey);
    if (kept && [...el.mode.options].some((o) => o.value === kept)) el.mode.value = kept;
    showMode();
    el.mode.addEventListener("change", () => {
      storage(modeKey, el.mode.value);
      showMode();
      el.code.focus();
    });
    el.sound.addEventListener("change", () => storage(KEYS.sound, el.sound.checked ? "1" : "0"));
    el.gateChip.addEventListener("click", () => {
      el.settings.open = true;
      el.gate.focus();
    });
  }

  // The mode shows on the page itself: an exit scanner must not be taken for an entry one.
  function showMode() {
    el.root.dataset.mode = el.mode.value.startsWith("session:") ? "session" : el.mode.value;
  }

  function device() {
    return { gate: el.gate.value.trim(), device: el.device.value.trim(), mode: el.mode.value };
  }

  function showTumbler(value) {
    for (const button of el.tumbler.querySelectorAll("button[data-tumbler]")) {
      button.setAttribute("aria-pressed", String(button.dataset.tumbler === String(value)));
    }
  }

  function onTumbler(choose) {
    el.tumbler.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tumbler]");
      if (!button) return;
      choose(JSON.parse(button.dataset.tumbler));
      el.code.focus(); // the handheld scanner types into the code field: give it back
    });
  }

  // ---------------------------------------------------------------- handheld scanner

  function onCode(scan) {
    const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    if (coarse) {
      // A handheld scanner is a keyboard: on a phone, keep the on-screen keyboard away until
      // someone asks to type.
      el.code.setAttribute("inputmode", "none");
      el.keyboardToggle.hidden = false;
      el.keyboardToggle.addEventListener("click", () => {
        el.code.setAttribute("inputmode", "text");
        el.code.focus();
      });
    }
    el.codeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const code = el.code.value.trim();
      el.code.value = "";
      if (code) scan(code);
      el.code.focus();
    });
    keepFocus();
    document.addEventListener("keydown", feedback.unlock, { once: true });
    document.addEventListener("pointerdown", feedback.unlock, { once: true });
  }

  // Keep the focus in the code field unless the person chose another field.
  function keepFocus() {
    el.code.addEventListener("blur", () => {
      setTimeout(() => {
        const active = document.activeElement;
        if (!active || active === document.body || active === document.documentElement) {
          el.code.focus({ preventScroll: true });
        }
      }, 0);
    });
    document.addEventListener("click", (event) => {
      if (event.target.closest("input, select, textarea, summary, a, details")) return;
      if (event.target.closest("button")) {
        setTimeout(() => {
          if (document.activeElement === document.body || document.activeElement.tagName === "BUTTON") {
            el.code.focus({ preventScroll: true });
          }
        }, 0);
        return;
      }
      el.code.focus({ preventScroll: true });
    });
  }

  // ---------------------------------------------------------------- camera

  let running = null; // {stop(), decoder} while the camera is on
  let starting = false;

  async function startCamera(scan) {
    if (starting) return;
    starting = true;
    el.cameraError.hidden = true;
    try {
      running = await camera.open(el.video, el.canvas, scan, decoderUrl);
    } catch (err) {
      const reason = err.name && err.name !== "Error" ? err.name : err.message;
      el.cameraError.textContent =
        reason === "unsupported" ? T.camera_unsupported : fill(T.camera_error, { reason });
      el.cameraError.hidden = false;
      storage(KEYS.camera, "0");
      return;
    } finally {
      starting = false;
    }
    el.cameraView.hidden = false;
    el.cameraToggle.textContent = T.camera_stop;
    el.cameraToggle.setAttribute("aria-pressed", "true");
    el.root.dataset.camera = "on";
    el.root.dataset.decoder = running.decoder;
    storage(KEYS.camera, "1");
  }

  function stopCamera() {
    if (running) running.stop();
    running = null;
    el.cameraView.hidden = true;
    el.cameraToggle.textContent = T.camera_start;
    el.cameraToggle.setAttribute("aria-pressed", "false");
    el.root.dataset.camera = "off";
    storage(KEYS.camera, "0");
  }

  function onCamera(scan) {
    el.cameraToggle.addEventListener("click", () => {
      feedback.unlock();
      if (running) stopCamera();
      else startCamera(scan);
    });
    if (storage(KEYS.camera) === "1") startCamera(scan);
  }

  // ---------------------------------------------------------------- search by name

  function showResults(results) {
    const items = results.map((person) => {
      const li = document.createElement("li");
      li.dataset.participantId = String(person.participant_id);
      const text = document.createElement("div");
      const name = document.createElement("strong");
      name.textContent = person.name;
      const meta = document.createElement("span");
      meta.className = "muted";
      const bits = [person.agency, categoryLabel(person.category)];
      if (person.checked_in_at) bits.push(fill(T.already_at, { time: hhmm(person.checked_in_at) }));
      meta.textContent = bits.filter(Boolean).join(" · ");
      text.append(name, document.createElement("br"), meta);
      const button = document.createElement("button");
      button.type = "button";
      button.className = person.checked_in_at ? "secondary" : "primary";
      button.textContent = T.check_in;
      button.dataset.participantId = String(person.participant_id);
      li.append(text, button);
      return li;
    });
    if (!items.length && el.searchQ.value.trim().length >= 2) items.push(emptyLine(T.no_results));
    el.searchResults.replaceChildren(...items);
  }

  function onSearch(search, stop, choose) {
    let timer = null;
    el.searchQ.addEventListener("input", () => {
      clearTimeout(timer);
      const query = el.searchQ.value.trim();
      if (query.length < 2) {
        stop();
        el.searchResults.replaceChildren();
        return;
      }
      timer = setTimeout(() => search(query), 250);
    });
    el.searchResults.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-participant-id]");
      if (!button) return;
      choose(Number(button.dataset.participantId));
      el.searchQ.value = "";
      el.searchResults.replaceChildren();
      el.code.focus();
    });
  }

  // ---------------------------------------------------------------- the rest of the page

  function onSyncNow(sync) {
    el.syncNow.addEventListener("click", () => sync());
  }

  function onForget(forget) {
    el.forget.addEventListener("click", () => {
      if (window.confirm(T.forget_confirm)) forget();
    });
  }

  function ready(offlineReady) {
    if (offlineReady) el.root.dataset.offlineReady = "1";
    else el.root.dataset.ready = "1";
  }

  return {
    showAnswer,
    updateAnswer,
    signal,
    showNetwork,
    showLogin,
    showDoor,
    showList,
    showForgotten,
    showCounts,
    showScans,
    showResults,
    showTumbler,
    device,
    setupDevice,
    onTumbler,
    onCode,
    onCamera,
    onSearch,
    onSyncNow,
    onForget,
    ready,
  };
}
