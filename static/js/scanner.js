// The door staff's scanner page: camera, handheld scanner, name search, offline queue.
//
// An ES module (no build step), the entry of the parts in static/js/scanner/: flow.js (scans,
// the offline queue and its sync, the ticket list, the figures; no DOM), view.js (the page),
// judge.js (the offline judgement, mirroring the server's rules), store.js (IndexedDB),
// api.js, camera.js, feedback.js, words.js, signature.js (the pad after a green scan). Everything it needs from the server is the page's
// JSON data block #scanner-config (the CSP allows no inline script).
import { unlock } from "./scanner/feedback.js";
import { createFlow } from "./scanner/flow.js";
import { nonce } from "./scanner/judge.js";
import { createSignature } from "./scanner/signature.js";
import { createView } from "./scanner/view.js";
import { clockIn, whenIn, wordsFor } from "./scanner/words.js";

const LIST_EVERY_MS = 60000;
const RETRY_EVERY_MS = 10000;
const DOOR_EVERY_MS = 30000;

const config = JSON.parse(document.getElementById("scanner-config").textContent);
const zone = config.event.timezone;
const lang = document.documentElement.lang;
const words = wordsFor(config.strings, config.categories, clockIn(zone), whenIn(zone, lang));
const view = createView(words, () => `device-${nonce().slice(0, 6)}`, config.urls.decoder);
const flow = createFlow(config, view);
// After a green scan, when the event asks: the pad, its drawing kept with the scan.
view.askSignature = createSignature(config, flow.keepSignature).ask;

function scan(key, method) {
  unlock(); // a browser plays sound only after the person touched the page
  return flow.scan(key, method);
}

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
    view.ready(true);
  } catch (err) {
    /* without it the open page still works offline; only a reload needs the network */
  }
}

function every() {
  setInterval(() => {
    if (navigator.onLine === false) return;
    if (flow.queued()) flow.syncQueue();
    else if (flow.state.offline) {
      flow.refreshAttendance(true).then(() => flow.state.offline || flow.refreshList());
    }
  }, RETRY_EVERY_MS);
  setInterval(() => {
    if (!flow.state.offline) flow.refreshList();
    flow.refreshAttendance();
  }, LIST_EVERY_MS);
  setInterval(() => view.showDoor(flow.currentEvent()), DOOR_EVERY_MS);
}

async function start() {
  view.setupDevice();
  view.onTumbler((value) => flow.setTumbler(value, true));
  view.onCode((code) => scan({ code }, "scanner"));
  view.onSearch(flow.search, flow.stopSearch, (id) => scan({ participant_id: id }, "manual"));
  view.showDoor(config.event);
  if (flow.state.offline) {
    flow.state.offline = false;
    flow.setOffline(true);
  }
  await flow.loadStored();
  view.onCamera((code) => scan({ code }, "scanner"));
  view.onSyncNow(flow.syncQueue);
  view.onForget(flow.forgetData);
  window.addEventListener("online", () => {
    flow.setOffline(false);
    flow.refreshList();
    flow.refreshAttendance();
  });
  window.addEventListener("offline", () => flow.setOffline(true));
  every();
  view.ready(false);
  registerServiceWorker();
  await flow.refreshList();
  await flow.refreshAttendance();
  flow.syncQueue();
}

start();
