// The live attendance board: the server pushes the attendance figures when they change
// (server-sent events from .../board/stream; tracker/checkin/live_figures.py) and the board
// redraws the numbers, the tables and the latest arrivals. Where the stream is refused (the
// worker holds all the streams it may: 503) or the browser has no EventSource, it polls the
// figures (GET /api/v1/events/<id>/attendance) every few seconds instead, answered 304 while
// nothing changed. The arrivals chart comes drawn from the server (tracker/charts.py draws every
// chart), as .../board/arrivals.svg, at most every CHART_EVERY_MS. It keeps no state of its
// own: every worker reads the database, so the board is right however many app servers there
// are. No inline script (CSP).
(function () {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const url = board.dataset.attendanceUrl;
  const streamUrl = board.dataset.streamUrl;
  const interval = Number(board.dataset.interval) || 5000;
  const CHART_EVERY_MS = 30000; // 10-minute bars: no need to fetch them with every arrival
  const OFFLINE_AFTER_MS = 10000; // a stream reconnecting (every few minutes) is not "offline"
  const status = board.querySelector("[data-status]");
  const SVG = "http://www.w3.org/2000/svg";

  const hhmm = (iso) => (iso || "").slice(11, 16); // ISO times come in the event's zone

  function setText(field, value) {
    board.querySelectorAll('[data-field="' + field + '"]').forEach((el) => {
      el.textContent = String(value);
    });
  }

  function el(tag, attrs, text) {
    const node = tag.startsWith("svg:")
      ? document.createElementNS(SVG, tag.slice(4))
      : document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function drawTumbler(data) {
    const bar = board.querySelector("[data-tumbler-bar]");
    if (!bar) return;
    const total = data.checked_in || 1;
    const yes = (100 * data.tumbler.yes) / total;
    const no = (100 * data.tumbler.no) / total;
    bar.replaceChildren(
      el("svg:rect", { x: 0, y: 0, height: 6, width: yes.toFixed(2), class: "bar-yes" }),
      el("svg:rect", { x: yes.toFixed(2), y: 0, height: 6, width: no.toFixed(2), class: "bar-no" })
    );
  }

  // The chart as the server draws it; 204: nobody has arrived yet, the page says so already.
  async function drawArrivals() {
    const holder = board.querySelector("[data-arrivals]");
    if (!holder) return;
    const response = await fetch(board.dataset.arrivalsUrl, {
      credentials: "same-origin",
      cache: "no-cache", // revalidated: 304 while the figures have not changed
      headers: { Accept: "image/svg+xml" },
    });
    if (!response.ok) throw new Error("HTTP " + response.status);
    if (response.status === 204) return;
    const drawn = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
    holder.replaceChildren(document.importNode(drawn.documentElement, true));
  }

  function drawLatest(latest) {
    const list = board.querySelector("[data-latest]");
    if (!list) return;
    list.replaceChildren(
      ...latest.map((p) => {
        const li = el("li");
        li.append(el("strong", {}, p.name), " ", el("span", { class: "muted" }, p.agency), " ");
        li.appendChild(el("time", { datetime: p.checked_in_at }, hhmm(p.checked_in_at)));
        return li;
      })
    );
  }

  function drawSplit(name, table) {
    const body = board.querySelector('[data-split="' + name + '"]');
    if (!body) return;
    const labels = body.dataset.labels ? JSON.parse(body.dataset.labels) : {};
    const rows = Object.entries(table).map(([key, split]) => {
      const tr = el("tr");
      tr.append(
        el("td", {}, labels[key] || key || "–"),
        el("td", {}, split.checked_in),
        el("td", {}, split.registered)
      );
      return tr;
    });
    body.replaceChildren(...rows);
  }

  // Per day (present today, and each day) and per session: the rows the page drew, updated.
  function drawDays(days, sessions) {
    days.forEach((d) => {
      const row = board.querySelector('#by-day tr[data-day="' + d.day + '"]');
      if (row) row.cells[1].textContent = String(d.present);
      if (row) row.cells[2].textContent = String(d.checked_out);
      if (d.day === board.dataset.today) setText("today.present", d.present);
    });
    sessions.forEach((s) => {
      const row = board.querySelector('#by-session tr[data-session="' + s.id + '"]');
      if (row) row.cells[4].textContent = String(s.attended);
    });
  }

  function render(data) {
    setText("checked_in", data.checked_in);
    setText("registered", data.registered);
    setText("walk_ins", data.walk_ins);
    setText("percent", data.registered ? Math.round((100 * data.checked_in) / data.registered) : 0);
    ["yes", "no", "unknown"].forEach((k) => setText("tumbler." + k, data.tumbler[k]));
    drawTumbler(data);
    drawLatest(data.latest);
    drawSplit("by_agency", data.by_agency);
    drawSplit("by_category", data.by_category);
    drawDays(data.by_day || [], data.by_session || []);
    board.dataset.updatedAt = data.updated_at;
  }

  let chartAt = 0;
  let chartTimer = null;
  let chartDrawn = null; // the arrivals the chart shows, as JSON
  let arrivals = "";

  // The chart again when the arrivals changed: at once while it shows none, else at most
  // every CHART_EVERY_MS (the bars are ten minutes wide).
  function drawChartSoon(data) {
    arrivals = JSON.stringify(data.arrivals || []);
    if (arrivals === chartDrawn || chartTimer) return;
    const holder = board.querySelector("[data-arrivals]");
    const empty = !holder || !holder.querySelector("svg");
    const wait = empty ? 0 : Math.max(0, chartAt + CHART_EVERY_MS - Date.now());
    chartTimer = window.setTimeout(() => {
      chartTimer = null;
      chartAt = Date.now();
      chartDrawn = arrivals;
      drawArrivals().catch(() => {
        chartDrawn = null;
      });
    }, wait);
  }

  function online(ok, error) {
    if (status) status.textContent = ok ? "" : board.dataset.offlineText || String(error);
  }

  // Polling: "no-cache" revalidates with the figures' ETag, so an unchanged answer is a 304.
  async function refresh() {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-cache",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      render(data);
      drawChartSoon(data);
      online(true);
    } catch (error) {
      online(false, error);
    } finally {
      window.setTimeout(refresh, interval);
    }
  }

  function listen() {
    const source = new EventSource(streamUrl);
    let offlineTimer = null;
    source.addEventListener("figures", (message) => {
      const data = JSON.parse(message.data);
      render(data);
      drawChartSoon(data);
      window.clearTimeout(offlineTimer);
      offlineTimer = null;
      online(true);
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        board.dataset.mode = "poll"; // refused: this worker's streams are taken
        window.setTimeout(refresh, interval);
        return;
      }
      if (!offlineTimer) offlineTimer = window.setTimeout(() => online(false), OFFLINE_AFTER_MS);
    });
  }

  if (streamUrl && window.EventSource) {
    board.dataset.mode = "stream";
    listen();
  } else {
    board.dataset.mode = "poll";
    window.setTimeout(refresh, interval);
  }
})();
