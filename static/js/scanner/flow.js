// The scanner's flow: scans, the offline queue and its sync, the ticket list, the attendance
// figures. No DOM: what changes is told to the page through `view` (see view.js), and what the
// person chose (gate, device, tumbler answer) is asked of it.
//
// Every scan gets a random nonce and its own time when it is made; the server answers the same
// nonce with the same answer, so a scan may be sent again (after a timeout, after the network
// came back) without ever counting twice. A fetch that fails (TypeError, timeout) or
// navigator.onLine === false means offline: the scan is judged against the downloaded ticket
// list and queued. Any HTTP answer, even 4xx, is an answer.
//
// A signature drawn after a green scan (signature.js) is kept with its scan, `item.signature`
// = {state: "pending" | "sent" | "refused", image, message}, in the same store: online or not,
// it goes to the server only once the server has answered its scan, naming the scan's nonce,
// so it counts for the scan's person and day, once. When the server let nobody in with that
// scan (a ticket the list did not know was used), the signature is dropped, never attached.
import * as api from "./api.js";
import { IN, KEPT, effective, judgeOffline, nonce, searchOffline, ticketDigest } from "./judge.js";
import { openStore } from "./store.js";

const POST_TIMEOUT_MS = 3500; // after this, answer from the local list instead
const ATTENDANCE_EVERY_MS = 4000;
const KEEP_SENT_DAYS = 3;

export function createFlow(config, view) {
  const EVENT_ID = config.event.id;
  const T = config.strings;
  const state = {
    store: null, // {backend, persistent}
    list: null, // {event_id, event, digest: {algorithm, key}, tickets, fetched_at}
    scans: [], // this event's scans on this device
    offline: navigator.onLine === false,
    tumbler: null, // true | false | null, for the next scan
    tumblerTaps: 0,
    syncing: false,
    attendance: null,
    attendanceTimer: null,
    attendanceAt: 0,
    latest: "", // the nonce of the newest scan: its answer is the one on the panel
    forgotten: false, // "remove this event's data" stops downloading it again
    searchSeq: 0,
  };

  const server = api.create({
    urls: { ...config.urls, signatures: config.signature && config.signature.url },
    timeoutMs: POST_TIMEOUT_MS,
    onReachable: () => setOffline(false),
    onLogin: view.showLogin,
  });

  // ---------------------------------------------------------------- network

  function setOffline(offline) {
    if (state.offline === offline) return;
    state.offline = offline;
    view.showNetwork(offline);
    if (!offline) syncQueue();
  }

  function online() {
    return !state.offline && navigator.onLine !== false;
  }

  // ---------------------------------------------------------------- tumbler

  function setTumbler(value, tapped) {
    state.tumbler = value;
    if (tapped) state.tumblerTaps += 1;
    view.showTumbler(value);
  }

  function consumeTumbler(status) {
    // The answer went with this person's scan: the next person is asked afresh. A red answer
    // keeps it, since the same person usually tries again (search by name).
    if (IN.includes(status) || status === "unverified") setTumbler(null, false);
  }

  // ---------------------------------------------------------------- scanning

  function newScan(key, method) {
    const { gate, device, mode } = view.device();
    const body = {
      ...key,
      brought_tumbler: state.tumbler,
      gate,
      device,
      nonce: nonce(),
      scanned_at: new Date().toISOString(),
      method,
    };
    // The scanner's mode: entry (the default, not sent), exit, or a session's door.
    if (mode === "exit") body.type = "exit";
    else if (mode && mode.startsWith("session:")) body.session_id = Number(mode.slice(8));
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
      tumblerTaps: state.tumblerTaps,
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
    showScans();
  }

  // Keep the downloaded list in step with answers, for later offline checks.
  function learn(answer) {
    if (!state.list || !answer.participant || !IN.includes(answer.status)) return;
    const ticket = state.list.tickets.find((t) => t.participant_id === answer.participant.id);
    if (!ticket) return;
    if (!ticket.checked_in_at) ticket.checked_in_at = answer.checked_in_at || null;
    if (answer.day) {
      ticket.days = ticket.days || {};
      if (!ticket.days[answer.day]) ticket.days[answer.day] = answer.checked_in_at || null;
    }
  }

  // The list holds digests, not codes: a scanned code is judged by its digest under the
  // list's key. A list from before digests (or no WebCrypto) cannot judge a code.
  async function offlineKey(body) {
    // The scanner's mode goes with the key: an exit, or a session's door.
    const mode = { type: body.type, session_id: body.session_id };
    if (body.participant_id != null) return { participant_id: body.participant_id, ...mode };
    let digest = null;
    try {
      digest = await ticketDigest(state.list.digest, body.code);
    } catch (err) {
      digest = null;
    }
    return digest ? { digest, ...mode } : null;
  }

  async function judgeLocally(scan) {
    const key = state.list ? await offlineKey(scan.body) : null;
    if (!key) {
      // Nothing to judge against: keep the scan for the server and say so.
      scan.local = { status: "unverified", message: T.list_missing };
      scan.state = "queued";
      return scan.local;
    }
    const answer = judgeOffline(state.list, state.scans, key, Date.now());
    answer.brought_tumbler = scan.body.brought_tumbler;
    scan.local = answer;
    if (answer.participant) scan.participant_id = answer.participant.id;
    // Only scans that would let someone in go to the server later; a ticket the list does not
    // know is refused at the door now, not admitted behind the person's back.
    scan.state = KEPT.includes(answer.status) ? "queued" : "local";
    return answer;
  }

  async function sendNow(item) {
    const result = await server.postCheckin(item.body);
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
      return true;
    }
    if (result.kind === "refused") {
      finish({ status: "error", message: result.message }, false, item);
      return true;
    }
    return false; // "retry": the server is there but cannot take it now
  }

  // A ticket code or a participant chosen by name: answer from the server, else from the list.
  async function scan(key, method) {
    const item = newScan(key, method);
    state.latest = item.nonce;
    view.showAnswer({ status: "checking" }, false, item.nonce);
    if (online()) {
      try {
        if (await sendNow(item)) return;
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
    view.showAnswer(answer, offline, item.nonce);
    view.signal(answer.status);
    if (view.askSignature) view.askSignature(answer, offline, item.nonce);
    // A tap made while this scan was on its way belongs to the next person: keep it.
    if (state.tumblerTaps === item.tumblerTaps) consumeTumbler(answer.status);
  }

  // Send queued scans, oldest first. The server's answer replaces the local one.
  async function syncQueue() {
    if (state.syncing || navigator.onLine === false) return;
    state.syncing = true;
    let sent = 0;
    let reached = true;
    try {
      const queued = state.scans
        .filter((s) => s.state === "queued")
        .sort((a, b) => a.created_at - b.created_at);
      for (const item of queued) {
        let result;
        try {
          result = await server.postCheckin(item.body);
        } catch (err) {
          setOffline(true);
          reached = false;
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
        view.updateAnswer(effective(item), item.nonce);
      }
      // Only after the scans: a signature goes once the server has its check-in.
      if (reached) await syncSignatures();
    } finally {
      state.syncing = false;
    }
    if (sent) refreshAttendance();
  }

  // ---------------------------------------------------------------- signatures

  function signaturePending(item) {
    return Boolean(item.signature && item.signature.state === "pending");
  }

  // Send one scan's signature; false when it must wait (offline, login, server trouble).
  async function sendSignature(item) {
    const answer = item.server;
    if (!answer || !IN.includes(answer.status) || !answer.participant) {
      // The server refused the scan, or it never reached it: this signature is nobody's.
      item.signature = { state: "refused", image: null, message: "" };
      await saveScan(item);
      return true;
    }
    let result;
    try {
      result = await server.postSignature({
        participant_id: answer.participant.id,
        image: item.signature.image,
        nonce: item.nonce,
      });
    } catch (err) {
      setOffline(true);
      return false;
    }
    if (result.kind === "retry") return false;
    item.signature =
      result.kind === "answer"
        ? { state: "sent", image: null, message: "" }
        : { state: "refused", image: null, message: result.message };
    await saveScan(item);
    return true;
  }

  // Signatures whose scans the server has answered (or refused), oldest first.
  async function syncSignatures() {
    const waiting = state.scans
      .filter((s) => signaturePending(s) && s.state !== "queued")
      .sort((a, b) => a.created_at - b.created_at);
    for (const item of waiting) {
      if (!(await sendSignature(item))) break;
    }
  }

  // The signature drawn after the scan with this nonce (a PNG data URL). Resolves {ok: true}
  // when it is sent or kept on this device for later, {ok: false, message} when the server
  // refused it (not an image, an empty pad: the person may sign again).
  async function keepSignature(scanNonce, image) {
    const item = state.scans.find((s) => s.nonce === scanNonce);
    if (!item) return { ok: false, message: T.signature_failed };
    item.signature = { state: "pending", image, message: "" };
    await saveScan(item);
    if (item.state === "queued" || !online() || state.syncing) return { ok: true };
    await sendSignature(item);
    const refused = item.signature.state === "refused";
    return refused ? { ok: false, message: item.signature.message || T.signature_failed } : { ok: true };
  }

  // ---------------------------------------------------------------- what the page shows

  function counts() {
    const a = state.attendance;
    const pending = state.scans.filter(
      (s) => s.state === "queued" && s.local && s.local.status === "checked_in"
    ).length;
    if (a) {
      return { inside: (a.checked_in || 0) + pending, registered: a.registered };
    }
    if (state.list) {
      const inside = state.list.tickets.filter((t) => t.checked_in_at).length;
      return { inside: inside + pending, registered: state.list.tickets.length };
    }
    return null;
  }

  function showScans() {
    view.showScans(state.scans);
    view.showCounts(counts());
  }

  // ---------------------------------------------------------------- ticket list, attendance

  async function refreshList() {
    if (navigator.onLine === false || state.forgotten) return;
    let body;
    try {
      body = await server.getJson(config.urls.tickets);
    } catch (err) {
      setOffline(true);
      return;
    }
    if (!body || !Array.isArray(body.tickets)) return;
    state.list = {
      event_id: EVENT_ID,
      event: body.event,
      digest: body.digest,
      tickets: body.tickets,
      fetched_at: Date.now(),
    };
    view.showDoor(body.event);
    view.showList(state.list);
    view.showCounts(counts());
    try {
      await state.store.backend.putList(state.list);
    } catch (err) {
      /* the list stays in memory */
    }
  }

  // Also the probe that finds the network back after a failed fetch (`probe`). At a busy door
  // the figures are asked for at most every few seconds, not after every scan.
  async function refreshAttendance(probe) {
    if ((state.offline && !probe) || navigator.onLine === false) return;
    if (!probe && Date.now() - state.attendanceAt < ATTENDANCE_EVERY_MS) {
      clearTimeout(state.attendanceTimer);
      state.attendanceTimer = setTimeout(() => refreshAttendance(), ATTENDANCE_EVERY_MS);
      return;
    }
    state.attendanceAt = Date.now();
    try {
      const body = await server.getJson(config.urls.attendance);
      if (body) state.attendance = body;
    } catch (err) {
      setOffline(true);
    }
    view.showCounts(counts());
  }

  async function loadStored() {
    state.store = await openStore();
    try {
      state.list = await state.store.backend.getList(EVENT_ID);
      state.scans = await state.store.backend.scansFor(EVENT_ID);
    } catch (err) {
      state.list = null;
      state.scans = [];
    }
    // Sent scans are history: keep a few days of it, never a queued one.
    const cutoff = Date.now() - KEEP_SENT_DAYS * 86400000;
    const kept = (s) => s.state === "queued" || signaturePending(s) || s.created_at >= cutoff;
    for (const item of state.scans.filter((s) => !kept(s))) {
      await state.store.backend.deleteScan(item.nonce);
    }
    state.scans = state.scans.filter(kept);
    if (state.list) view.showDoor(state.list.event);
    view.showList(state.list);
    showScans();
  }

  // Remove this event's list and sent scans from the device; queued scans are kept.
  async function forgetData() {
    const kept = [];
    for (const item of state.scans) {
      if (item.state === "queued" || signaturePending(item)) {
        kept.push(item);
      } else {
        await state.store.backend.deleteScan(item.nonce);
      }
    }
    await state.store.backend.deleteList(EVENT_ID);
    state.forgotten = true;
    state.scans = kept;
    state.list = null;
    view.showList(null);
    showScans();
    view.showForgotten(kept.length > 0);
  }

  // ---------------------------------------------------------------- search by name

  async function search(query) {
    const seq = ++state.searchSeq;
    let results = null;
    if (online()) {
      try {
        const body = await server.getJson(`${config.urls.search}?q=${encodeURIComponent(query)}`);
        if (body && Array.isArray(body.results)) results = body.results;
      } catch (err) {
        setOffline(true);
      }
    }
    if (results === null && state.list) results = searchOffline(state.list, query, 20);
    if (seq !== state.searchSeq) return; // a newer search has started
    view.showResults(results || []);
  }

  function stopSearch() {
    state.searchSeq += 1;
  }

  return {
    state,
    scan,
    setTumbler,
    setOffline,
    syncQueue,
    refreshList,
    refreshAttendance,
    loadStored,
    forgetData,
    search,
    stopSearch,
    keepSignature,
    queued: () => state.scans.some((s) => s.state === "queued" || signaturePending(s)),
    currentEvent: () => (state.list && state.list.event) || config.event,
  };
}
