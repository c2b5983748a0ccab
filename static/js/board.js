// The live attendance board: every few seconds it fetches the attendance figures
// (GET /api/v1/events/<id>/attendance) and redraws the numbers, the tables, the arrivals chart
// and the latest arrivals. It keeps no state of its own: every worker reads the database,
// so the board is right however many app servers there are. No inline script (CSP).
(function () {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const url = board.dataset.attendanceUrl;
  const interval = Number(board.dataset.interval) || 5000;
  const status = board.querySelector("[data-status]");
  const SVG = "http://www.w3.org/2000/svg";
  // The chart's geometry: the same numbers as arrival_bars() in tracker/checkin/views.py.
  const BAR_W = 20, BAR_GAP = 4, CHART_H = 150, TOP = 16, BOTTOM = 18;

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

  function drawArrivals(arrivals) {
    const holder = board.querySelector("[data-arrivals]");
    const old = holder && holder.querySelector("svg");
    if (!old) return;
    const peak = Math.max(1, ...arrivals.map((a) => a.count));
    const height = TOP + CHART_H + BOTTOM;
    const width = Math.max(arrivals.length * (BAR_W + BAR_GAP), 200);
    const svg = el("svg:svg", {
      class: "arrivals",
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      "aria-label": old.getAttribute("aria-label") || "",
    });
    arrivals.forEach((bucket, index) => {
      const h = Math.round((10 * CHART_H * bucket.count) / peak) / 10;
      const x = index * (BAR_W + BAR_GAP);
      const y = TOP + CHART_H - h;
      const label = hhmm(bucket.from);
      const g = el("svg:g");
      const rect = el("svg:rect", { x: x, y: y, width: BAR_W, height: h, class: "bar" });
      rect.appendChild(el("svg:title", {}, label + ": " + bucket.count));
      g.appendChild(rect);
      if (bucket.count) {
        g.appendChild(el("svg:text", { x: x + BAR_W / 2, y: y - 3, class: "bar-count" }, bucket.count));
      }
      if (Number(label.slice(3, 5)) % 30 === 0) {
        g.appendChild(el("svg:text", { x: x, y: height - 2, class: "bar-tick" }, label));
      }
      svg.appendChild(g);
    });
    old.replaceWith(svg);
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

  function render(data) {
    setText("checked_in", data.checked_in);
    setText("registered", data.registered);
    setText("walk_ins", data.walk_ins);
    setText("percent", data.registered ? Math.round((100 * data.checked_in) / data.registered) : 0);
    ["yes", "no", "unknown"].forEach((k) => setText("tumbler." + k, data.tumbler[k]));
    drawTumbler(data);
    drawArrivals(data.arrivals);
    drawLatest(data.latest);
    drawSplit("by_agency", data.by_agency);
    drawSplit("by_category", data.by_category);
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
      if (status) status.textContent = "";
    } catch (error) {
      if (status) status.textContent = board.dataset.offlineText || String(error);
    } finally {
      window.setTimeout(refresh, interval);
    }
  }

  window.setTimeout(refresh, interval);
})();
