// The scanner page's service worker: lets a device that lost the network reopen the page.
// Registered by static/js/scanner.js with the scanner page itself as its scope, so it controls
// that page only. The page: network first, the last good copy when the network fails.
// Its scripts and styles: the cached copy at once, refreshed in the background. ASSETS are
// fetched when the worker is installed; KEPT adds the QR decoder, which only a browser without
// BarcodeDetector fetches (130 KB): it is kept once the page has loaded it.
// The API is never cached: answers must come from the server or from the page's own queue.
"use strict";

const CACHE = {{ cache|tojson }};
const ASSETS = {{ assets|tojson }};
const KEPT = {{ kept|tojson }};
const PAGE = /^\/events\/\d+\/scan$/;
const PAGE_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      }
    );
  });
}

async function page(request) {
  const cache = await caches.open(CACHE);
  const key = new URL(request.url).pathname;
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    // A redirect (to the login page) or an error is not a page worth keeping.
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}

async function asset(event) {
  const request = event.request;
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const fresh = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    })
    .catch(() => null);
  event.waitUntil(fresh);
  if (cached) return cached;
  const response = await fresh;
  return response || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PAGE.test(url.pathname)) {
    event.respondWith(page(request));
  } else if (KEPT.includes(url.pathname)) {
    event.respondWith(asset(event));
  }
});
