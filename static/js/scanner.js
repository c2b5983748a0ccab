// The door staff's scanner page: camera, handheld scanner, name search, offline queue.
//
// Every scan gets a random nonce and its own time when it is made; the server answers the same
// nonce with the same answer, so a scan may be sent again (after a timeout, after the network
// came back) without ever counting twice. A fetch that fails (TypeError, timeout) or
// navigator.onLine === false means offline: the scan is judged against the downloaded ticket
// list and queued. Any HTTP answer, even 4xx, is an answer.
(function () {
  "use strict";

  const S = window.ScannerStore;
  const config = JSON.parse(document.getElementById("scanner-config").textContent);
  const T = config.strings;
  const EVENT_ID = config.event.id;
  const POST_TIMEOUT_MS = 3500; // after this, answer from the local list instead
  const LIST_EVERY_MS = 60000;
  const RETRY_EVERY_MS = 10000;
  const ATTENDANCE_EVERY_MS = 4000;
  const HISTORY_SHOWN = 30;
  const KEEP_SENT_DAYS = 3;

  const $ = (id) => document.getElementById(id);
  const el = {
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

  const state = {
    store: null, // {backend, persistent}
    list: null, // {event_id, event, tickets, fetched_at}
    scans: [], // this event's scans on this device
    offline: navigator.onLine === false,
    tumbler: null, // true | false | null, for the next scan
    syncing: false,
    attendance: null,
    answerTimer: null,
    attendanceTimer: null,
    latest: "", // the nonce of the newest scan: its answer is the one on the panel
    tumblerTaps: 0,
    forgotten: false, // "remove this event's data" stops downloading it again
  };

  // ---------------------------------------------------------------- words and times

  function fill(template, values) {
    return template.replace(/%\((\w+)\)[sd]/g, (_, name) => (name in values ? values[name] : ""));
  }

  const timeFormat = (() => {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: config.event.timezone,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch (err) {
      return null;
    }
  })();

  // HH:MM in the event's zone. The API writes times with the event's offset already.
  function hhmm(iso) {
    if (!iso) return "";
    const when = new Date(iso);
    if (timeFormat && !Number.isNaN(when.getTime())) return timeFormat.format(when);
    const match = String(iso).match(/T(\d{2}):(\d{2})/);
    return match ? `${match[1]}:${match[2]}` : "";
  }

  function categoryLabel(category) {
    return config.categories[category] || category || "";
  }

  function tumblerLabel(value) {
    if (value === true) return T.tumbler_yes;
    if (value === false) return T.tumbler_no;
    return T.tumbler_unknown;
  }

  function answerTitle(answer, offline) {
    let title;
    switch (answer.status) {
      case "checked_in":
        title = T.checked_in;
        break;
      case "already_checked_in":
        if (answer.checked_in_at && answer.gate) {
          title = fill(T.already_at_gate, { time: hhmm(answer.checked_in_at), gate: answer.gate });
        } else if (answer.checked_in_at) {
          title = fill(T.already_at, { time: hhmm(answer.checked_in_at) });
        } else {
          title = T.already;
        }
        break;
      case "invalid":
        title = T.invalid;
        break;
      case "wrong_event":
        title = T.wrong_event;
        break;
      case "not_open":
        title = T.not_open;
        break;
      case "checking":
        title = T.checking;
        break;
      case "unverified":
        return T.unverified;
      default:
        title = T.error;
    }
    return offline ? `${title} ${T.offline_suffix}` : title;
  }

  // ---------------------------------------------------------------- feedback

  const unlockAudio = window.ScannerFeedback.unlock;

  function signal(status) {
    if (el.sound.checked) window.ScannerFeedback.signal(status);
  }

  function colour(status) {
    if (status === "checked_in") return "ok";
    if (status === "already_checked_in") return "warn";
    if (status === "checking" || status === "idle" || status === "unverified") return status;
    return "bad";
  }

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
    clearTimeout(state.answerTimer);
    if (status !== "checking") {
      // An old answer fades so that nobody reads it as the next person's.
      state.answerTimer = setTimeout(() => el.answer.classList.add("stale"), 8000);
    }
  }

  // ---------------------------------------------------------------- network

  function setOffline(offline) {
    if (state.offline === offline) return;
    state.offline = offline;
    el.net.dataset.online = offline ? "0" : "1";
    el.net.textContent = offline ? T.offline : T.online;
    document.body.classList.toggle("is-offline", offline);
    if (!offline) syncQueue();
  }

  function needLogin(show) {
    el.loginBanner.hidden = !show;
    if (show) el.loginText.textContent = T.login_again;
  }

  const api = window.ScannerApi.create({
    urls: config.urls,
    timeoutMs: POST_TIMEOUT_MS,
    onReachable: () => setOffline(false),
    onLogin: needLogin,
  });
  const getJson = api.getJson;
  const postCheckin = api.postCheckin;

  // ---------------------------------------------------------------- gate, device, tumbler

  const KEYS = {
    gate: "tracker.scanner.gate",
    device: "tracker.scanner.device",
    sound: "tracker.scanner.sound",
    camera: "tracker.scanner.camera",
  };

  function storage(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (err) {
      /* private mode: settings last as long as the page */
    }
    return value;
  }

  function setupDevice() {
    let device = storage(KEYS.device);
    if (!device) device = storage(KEYS.device, `device-${S.nonce().slice(0, 6)}`);
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
    el.sound.addEventListener("change", () => storage(KEYS.sound, el.sound.checked ? "1" : "0"));
    el.gateChip.addEventListener("click", () => {
      el.settings.open = true;
      el.gate.focus();
    });
  }

  function showGate() {
    const gate = el.gate.value.trim();
    el.gateLabel.textContent = gate || "–";
    el.gateChip.classList.toggle("unset", !gate);
    el.gateChip.title = gate ? "" : T.gate_needed;
  }

  function setTumbler(value) {
    state.tumbler = value;
    for (const button of el.tumbler.querySelectorAll("button[data-tumbler]")) {
      button.setAttribute("aria-pressed", String(button.dataset.tumbler === String(value)));
    }
  }

  function setupTumbler() {
    el.tumbler.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-tumbler]");
      if (!button) return;
      setTumbler(JSON.parse(button.dataset.tumbler));
      state.tumblerTaps += 1;
      el.code.focus(); // the handheld scanner types into the code field: give it back
    });
  }

  // ---------------------------------------------------------------- scanning

  function newScan(key, method) {
    const body = {
      ...key,
      brought_tumbler: state.tumbler,
      gate: el.gate.value.trim(),
      device: el.device.value.trim(),
      nonce: S.nonce(),
      scanned_at: new Date().toISOString(),
      method,
    };
    return {
      nonce: body.nonce,
      event_id: EVENT_ID,
      body,
      state: "new",
      local: null,
      server: null,
      message: "",
      participant_id: key.participant_id != null ? key.participant_id : null,
      created_at: Date.now(),
    };
  }

  async function saveScan(scan) {
    const index = state.scans.findIndex((s) => s.nonce === scan.nonce);
    if (index >= 0) state.scans[index] = scan;
    else state.scans.push(scan);
    try {
      await state.store.backend.putScan(scan);
    } catch (err) {
      /* kept in memory for this page */
    }
    renderLists();
  }

  // Keep the downloaded list in step with answers, for later offline checks.
  function learn(answer) {
    if (!state.list || !answer.participant || !S.IN.includes(answer.status)) return;
    const ticket = state.list.tickets.find((t) => t.participant_id === answer.participant.id);
    if (ticket && !ticket.checked_in_at) ticket.checked_in_at = answer.checked_in_at || null;
  }

  function consumeTumbler(status) {
    // The answer went with this person's scan: the next person is asked afresh. A red answer
    // keeps it, since the same person usually tries again (search by name).
    if (S.IN.includes(status) || status === "unverified") setTumbler(null);
  }

  async function judgeLocally(scan) {
    if (!state.list) {
      // Nothing to judge against: keep the scan for the server and say so.
      scan.local = { status: "unverified", message: T.list_missing };
      scan.state = "queued";
      return scan.local;
    }
    const answer = S.judgeOffline(state.list, state.scans, scan.body, Date.now());
    answer.brought_tumbler = scan.body.brought_tumbler;
    scan.local = answer;
    if (answer.participant) scan.participant_id = answer.participant.id;
    // Only scans that would let someone in go to the server later; a ticket the list does not
    // know is refused at the door now, not admitted behind the person's back.
    scan.state = S.IN.includes(answer.status) ? "queued" : "local";
    return answer;
  }

  async function scan(key, method) {
    unlockAudio();
    const item = newScan(key, method);
    item.tumblerTaps = state.tumblerTaps;
    state.latest = item.nonce;
    showAnswer({ status: "checking" }, false, item.nonce);
    if (!state.offline && navigator.onLine !== false) {
      try {
        const result = await postCheckin(item.body);
        if (result.kind === "answer") {
          const answer = { ...result.answer, brought_tumbler: item.body.brought_tumbler };
          item.server = answer;
          item.state = "sent";
          if (answer.participant) item.participant_id = answer.participant.id;
          if (answer.status === "checked_in" && state.attendance) {
            state.attendance.checked_in += 1; // at once; the next refresh brings the truth
          }
          learn(answer);
          await saveScan(item);
          finish(answer, false, item);
          refreshAttendance();
          return;
        }
        if (result.kind === "refused") {
          finish({ status: "error", message: result.message }, false, item);
          return;
        }
        // "retry": the server is there but cannot take it now; judge here and queue it.
      } catch (err) {
        setOffline(true);
      }
    }
    const answer = await judgeLocally(item);
    await saveScan(item);
    finish(answer, true, item);
  }

  function finish(answer, offline, item) {
    // Answers may come back out of order (a slow request, then a fast one): the panel shows
    // the latest scan's; the older ones go to the history only.
    if (item.nonce !== state.latest) return;
    showAnswer(answer, offline, item.nonce);
    signal(answer.status);
    // A tap made while this scan was on its way belongs to the next person: keep it.
    if (state.tumblerTaps === item.tumblerTaps) consumeTumbler(answer.status);
  }

  // Send queued scans, oldest first. The server's answer replaces the local one.
  async function syncQueue() {
    if (state.syncing || navigator.onLine === false) return;
    state.syncing = true;
    let sent = 0;
    try {
      const queued = state.scans
        .filter((s) => s.state === "queued")
        .sort((a, b) => a.created_at - b.created_at);
      for (const item of queued) {
        let result;
        try {
          result = await postCheckin(item.body);
        } catch (err) {
          setOffline(true);
          break;
        }
        if (result.kind === "retry") break;
        if (result.kind === "answer") {
          item.server = { ...result.answer, brought_tumbler: item.body.brought_tumbler };
          item.state = "sent";
          if (item.server.participant) item.participant_id = item.server.participant.id;
          learn(item.server);
        } else {
          item.state = "failed";
          item.message = result.message;
        }
        await saveScan(item);
        sent += 1;
        if (el.answer.dataset.nonce === item.nonce) showAnswer(S.effective(item), false, item.nonce);
      }
    } finally {
      state.syncing = false;
    }
    if (sent) refreshAttendance();
  }

  // ---------------------------------------------------------------- lists on screen

  function scanLine(item) {
    const answer = S.effective(item) || { status: "error" };
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
    what.textContent = [label, stateWord, item.message].filter(Boolean).join(" · ");
    if (item.server && item.local && item.server.status !== item.local.status) {
      li.classList.add("changed"); // the server saw it differently from the offline guess
    }
    li.append(time, who, what);
    return li;
  }

  function shortCode(body) {
    if (body.code) return `${S.ticketCode(body.code).slice(0, 6)}…`;
    return `#${body.participant_id}`;
  }

  function renderLists() {
    const queued = state.scans
      .filter((s) => s.state === "queued")
      .sort((a, b) => a.created_at - b.created_at);
    el.queue.dataset.count = String(queued.length);
    el.queueCount.textContent = String(queued.length);
    el.queueList.replaceChildren(...queued.map(scanLine));
    if (!queued.length) el.queueList.append(emptyLine(T.queue_empty));
    el.syncNow.hidden = !queued.length;
    const recent = [...state.scans]
      .sort((a, b) => b.created_at - a.created_at)
      .slice(0, HISTORY_SHOWN);
    el.historyList.replaceChildren(...recent.map(scanLine));
    if (!recent.length) el.historyList.append(emptyLine(T.history_empty));
    showCounts();
  }

  function emptyLine(text) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = text;
    return li;
  }

  function showCounts() {
    const a = state.attendance;
    const pending = state.scans.filter(
      (s) => s.state === "queued" && s.local && s.local.status === "checked_in"
    ).length;
    if (a) {
      el.countIn.textContent = String((a.checked_in || 0) + pending);
      el.countRegistered.textContent = String(a.registered != null ? a.registered : "–");
    } else if (state.list) {
      const inside = state.list.tickets.filter((t) => t.checked_in_at).length;
      el.countIn.textContent = String(inside + pending);
      el.countRegistered.textContent = String(state.list.tickets.length);
    }
  }

  // ---------------------------------------------------------------- ticket list, attendance

  function showDoor(event) {
    const door = S.doorState(event, Date.now());
    el.root.dataset.door = door;
    const text = {
      draft: T.window_draft,
      closed: T.window_closed,
      archived: T.window_archived,
      not_yet: fill(T.window_not_yet, { time: hhmm(event.checkin_opens_at) }),
      ended: fill(T.window_ended, { time: hhmm(event.checkin_closes_at) }),
    }[door];
    el.doorBanner.hidden = !text;
    if (text) el.doorBanner.textContent = text;
  }

  function showListState() {
    if (!state.list) {
      el.listState.textContent = T.list_missing;
      return;
    }
    el.listState.textContent = fill(T.list_age, {
      n: state.list.tickets.length,
      time: hhmm(new Date(state.list.fetched_at).toISOString()),
    });
  }

  async function refreshList() {
    if (navigator.onLine === false || state.forgotten) return;
    let body;
    try {
      body = await getJson(config.urls.tickets);
    } catch (err) {
      setOffline(true);
      return;
    }
    if (!body || !Array.isArray(body.tickets)) return;
    state.list = { event_id: EVENT_ID, event: body.event, tickets: body.tickets, fetched_at: Date.now() };
    showDoor(body.event);
    showListState();
    el.root.dataset.list = String(state.list.tickets.length);
    showCounts();
    try {
      await state.store.backend.putList(state.list);
    } catch (err) {
      /* the list stays in memory */
    }
  }

  // Also the probe that finds the network back after a failed fetch (`probe`). At a busy door
  // the figures are asked for at most every few seconds, not after every scan.
  let attendanceAt = 0;
  async function refreshAttendance(probe) {
    if ((state.offline && !probe) || navigator.onLine === false) return;
    if (!probe && Date.now() - attendanceAt < ATTENDANCE_EVERY_MS) {
      clearTimeout(state.attendanceTimer);
      state.attendanceTimer = setTimeout(() => refreshAttendance(), ATTENDANCE_EVERY_MS);
      return;
    }
    attendanceAt = Date.now();
    try {
      const body = await getJson(config.urls.attendance);
      if (body) state.attendance = body;
    } catch (err) {
      setOffline(true);
    }
    showCounts();
  }

  async function loadStored() {
    state.store = await S.openStore();
    try {
      state.list = await state.store.backend.getList(EVENT_ID);
      state.scans = await state.store.backend.scansFor(EVENT_ID);
    } catch (err) {
      state.list = null;
      state.scans = [];
    }
    // Sent scans are history: keep a few days of it, never a queued one.
    const cutoff = Date.now() - KEEP_SENT_DAYS * 86400000;
    for (const item of state.scans.filter((s) => s.state !== "queued" && s.created_at < cutoff)) {
      await state.store.backend.deleteScan(item.nonce);
    }
    state.scans = state.scans.filter((s) => s.state === "queued" || s.created_at >= cutoff);
    if (state.list) {
      showDoor(state.list.event);
      el.root.dataset.list = String(state.list.tickets.length);
    }
    showListState();
    renderLists();
  }

  async function forgetData() {
    if (!window.confirm(T.forget_confirm)) return;
    const kept = [];
    for (const item of state.scans) {
      if (item.state === "queued") {
        kept.push(item);
      } else {
        await state.store.backend.deleteScan(item.nonce);
      }
    }
    await state.store.backend.deleteList(EVENT_ID);
    state.forgotten = true;
    state.scans = kept;
    state.list = null;
    delete el.root.dataset.list;
    showListState();
    renderLists();
    el.listState.textContent = kept.length ? T.forget_blocked : T.forgotten;
  }

  // ---------------------------------------------------------------- handheld scanner

  const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function setupCodeField() {
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
      if (code) scan({ code }, "scanner");
      el.code.focus();
    });
    // Keep the focus in the code field unless the person chose another field.
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
    document.addEventListener("keydown", unlockAudio, { once: true });
    document.addEventListener("pointerdown", unlockAudio, { once: true });
  }

  // ---------------------------------------------------------------- camera

  let camera = null; // {stop(), decoder} while the camera is on
  let cameraStarting = false;

  async function startCamera() {
    if (cameraStarting) return;
    cameraStarting = true;
    el.cameraError.hidden = true;
    try {
      camera = await window.ScannerCamera.open(el.video, el.canvas, (code) =>
        scan({ code }, "scanner")
      );
    } catch (err) {
      const reason = err.name && err.name !== "Error" ? err.name : err.message;
      el.cameraError.textContent =
        reason === "unsupported" ? T.camera_unsupported : fill(T.camera_error, { reason });
      el.cameraError.hidden = false;
      storage(KEYS.camera, "0");
      return;
    } finally {
      cameraStarting = false;
    }
    el.cameraView.hidden = false;
    el.cameraToggle.textContent = T.camera_stop;
    el.cameraToggle.setAttribute("aria-pressed", "true");
    el.root.dataset.camera = "on";
    el.root.dataset.decoder = camera.decoder;
    storage(KEYS.camera, "1");
  }

  function stopCamera() {
    if (camera) camera.stop();
    camera = null;
    el.cameraView.hidden = true;
    el.cameraToggle.textContent = T.camera_start;
    el.cameraToggle.setAttribute("aria-pressed", "false");
    el.root.dataset.camera = "off";
    storage(KEYS.camera, "0");
  }

  function setupCamera() {
    el.cameraToggle.addEventListener("click", () => {
      unlockAudio();
      if (camera) stopCamera();
      else startCamera();
    });
    if (storage(KEYS.camera) === "1") startCamera();
  }

  // ---------------------------------------------------------------- search by name

  let searchTimer = null;
  let searchSeq = 0;

  async function search(query) {
    const seq = ++searchSeq;
    let results = null;
    if (!state.offline && navigator.onLine !== false) {
      try {
        const body = await getJson(`${config.urls.search}?q=${encodeURIComponent(query)}`);
        if (body && Array.isArray(body.results)) results = body.results;
      } catch (err) {
        setOffline(true);
      }
    }
    if (results === null && state.list) results = S.searchOffline(state.list, query, 20);
    if (seq !== searchSeq) return; // a newer search has started
    renderResults(results || []);
  }

  function renderResults(results) {
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
    if (!items.length && el.searchQ.value.trim().length >= 2) {
      const none = document.createElement("li");
      none.className = "empty";
      none.textContent = T.no_results;
      items.push(none);
    }
    el.searchResults.replaceChildren(...items);
  }

  function setupSearch() {
    el.searchQ.addEventListener("input", () => {
      clearTimeout(searchTimer);
      const query = el.searchQ.value.trim();
      if (query.length < 2) {
        searchSeq += 1;
        el.searchResults.replaceChildren();
        return;
      }
      searchTimer = setTimeout(() => search(query), 250);
    });
    el.searchResults.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-participant-id]");
      if (!button) return;
      scan({ participant_id: Number(button.dataset.participantId) }, "manual");
      el.searchQ.value = "";
      el.searchResults.replaceChildren();
      el.code.focus();
    });
  }

  // ---------------------------------------------------------------- start

  // The worker keeps this page for a reopening without network. The page that registered it
  // did not pass through it, so the page puts a fresh copy of itself into the worker's cache.
  async function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext || !window.caches) return;
    const path = window.location.pathname;
    try {
      await navigator.serviceWorker.register(config.urls.service_worker, { scope: path });
      await navigator.serviceWorker.ready;
      const response = await fetch(path, { credentials: "same-origin" });
      if (!response.ok || response.redirected) return; // logged out: keep no login page
      await (await caches.open(config.offline_cache)).put(path, response);
      el.root.dataset.offlineReady = "1";
    } catch (err) {
      /* without it the open page still works offline; only a reload needs the network */
    }
  }

  async function start() {
    setupDevice();
    setupTumbler();
    setupCodeField();
    setupSearch();
    showDoor(config.event);
    if (state.offline) {
      state.offline = false;
      setOffline(true);
    }
    await loadStored();
    setupCamera();
    el.syncNow.addEventListener("click", () => syncQueue());
    el.forget.addEventListener("click", () => forgetData());
    window.addEventListener("online", () => {
      setOffline(false);
      refreshList();
      refreshAttendance();
    });
    window.addEventListener("offline", () => setOffline(true));
    setInterval(() => {
      if (navigator.onLine === false) return;
      if (state.scans.some((s) => s.state === "queued")) syncQueue();
      else if (state.offline) refreshAttendance(true).then(() => state.offline || refreshList());
    }, RETRY_EVERY_MS);
    setInterval(() => {
      if (!state.offline) refreshList();
      refreshAttendance();
    }, LIST_EVERY_MS);
    setInterval(() => showDoor((state.list && state.list.event) || config.event), 30000);
    el.root.dataset.ready = "1";
    registerServiceWorker();
    await refreshList();
    await refreshAttendance();
    syncQueue();
  }

  start();
})();
