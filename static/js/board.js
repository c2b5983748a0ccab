// The live attendance board: every few seconds it fetches the attendance figures
// (GET /api/v1/events/<id>/attendance) and redraws the numbers, the tables and the latest
// arrivals; the arrivals chart comes drawn from the server (tracker/charts.py draws every chart),
// as .../board/arrivals.svg. It keeps no state of its own: every worker reads the database,
// so the board is right however many app servers there are. No inline script (CSP).
(function () {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const url = board.dataset.attendanceUrl;
  const interval = Number(board.dataset.interval) || 5000;
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
      cache: "no-store",
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

  async function refresh() {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      render(await response.json());
      await drawArrivals();
      if (status) status.textContent = "";
    } catch (error) {
      if (status) status.textContent = board.dataset.offlineText || String(error);
    } finally {
      window.setTimeout(refresh, interval);
    }
  }

  window.setTimeout(refresh, interval);
})();
