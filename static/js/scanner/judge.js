// The scanner's judgement without the server: a scan against the downloaded ticket list and this
// device's own scans, the name search in that list, and the door. The rules are the server's:
// the door is tracker/checkin/door_rule.py, whose `closed` and window the page is sent; here only
// the device's clock is applied to them. Pure functions, no DOM.

export const IN = ["checked_in", "already_checked_in"]; // answers that mean "this person is inside"
// Answers the server is sent later when judged offline: entries, and exits of people inside.
export const KEPT = [...IN, "checked_out"];

// A ticket URL (https://host/t/<code>) or a bare code -> the code.
export function ticketCode(raw) {
  const text = String(raw || "").trim();
  const match = text.match(/\/t\/([^/?#\s]+)/);
  if (!match) return text;
  try {
    return decodeURIComponent(match[1]);
  } catch (err) {
    return match[1];
  }
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function toBase64Url(bytes) {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

// The list names tickets by a keyed digest, never by code (tracker/checkin/attendance.py,
// ticket_digest): HMAC-SHA-256 of the code under the list's key, first 16 bytes, base64url.
// Null where the browser has no WebCrypto (a page not served over HTTPS): the scan then waits
// for the server, like a scan without a list.
export async function ticketDigest(digest, raw) {
  const subtle = window.crypto && window.crypto.subtle;
  if (!subtle || !digest || digest.algorithm !== "hmac-sha256-128") return null;
  const key = await subtle.importKey(
    "raw",
    fromBase64Url(digest.key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  );
  const mac = await subtle.sign("HMAC", key, new TextEncoder().encode(ticketCode(raw)));
  return toBase64Url(new Uint8Array(mac).slice(0, 16));
}

export function nonce() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The answer that counts for a scan: the server's once it has one.
export function effective(scan) {
  return scan.server || scan.local;
}

// The door as the server's rule has it (tracker/checkin/door_rule.py), applied on this
// device's clock: `closed` is what the event's record says (archived, draft, closed), sent
// by the server; only the check-in window is judged here, since the page judges offline too.
export function doorState(event, now) {
  if (!event) return "open";
  if (event.closed) return event.closed;
  const opens = event.checkin_opens_at ? Date.parse(event.checkin_opens_at) : NaN;
  const closes = event.checkin_closes_at ? Date.parse(event.checkin_closes_at) : NaN;
  if (!Number.isNaN(opens) && now < opens) return "not_yet";
  if (!Number.isNaN(closes) && now > closes) return "ended";
  // An event of several days: the door is shut between its days (the next one not yet open).
  if (event.days && event.days.length > 1 && dayOf(event, now) === null) return "not_yet";
  return "open";
}

// The event day (YYYY-MM-DD) whose door holds the moment `at` (ms), as the server's
// tracker.events.days.day_of; null between days; "" for a list without days (an old copy).
export function dayOf(event, at) {
  const days = (event && event.days) || [];
  if (!days.length) return "";
  for (const day of days) {
    if (Date.parse(day.opens_at) <= at && at <= Date.parse(day.closes_at)) return day.date;
  }
  return null;
}

function participantOf(ticket) {
  return {
    id: ticket.participant_id,
    name: ticket.name,
    agency: ticket.agency,
    category: ticket.category,
  };
}

// The earliest entry on this device that let this person in on `day` (at `sessionId`'s door,
// when given), if any. An exit is no entry.
function earlierEntry(scans, participantId, event, day, sessionId) {
  let best = null;
  for (const scan of scans) {
    const answer = effective(scan);
    if (!answer || !IN.includes(answer.status) || scan.participant_id !== participantId) continue;
    if (scan.body.type === "exit") continue;
    if (sessionId != null && scan.body.session_id !== sessionId) continue;
    const at = answer.checked_in_at || scan.body.scanned_at;
    if (dayOf(event, Date.parse(scan.body.scanned_at || at)) !== day) continue;
    if (!best || Date.parse(at) < Date.parse(best.at)) {
      best = { at, gate: answer.gate != null ? answer.gate : scan.body.gate };
    }
  }
  return best;
}

// Judge a scan without the server: against the downloaded list and this device's own scans.
// `key` is {digest} (of the scanned code: ticketDigest) or {participant_id}, with the scan's
// `type` and `session_id` if any; `now` in ms. Returns an answer like the API's.
// Per day: the list says who was in on which day (`days`), this device's scans add its own;
// an exit needs an entry that day; at a session's door only that session's scans count (the
// list does not carry session attendance: the server settles it when the scan is sent).
export function judgeOffline(list, scans, key, now) {
  if (doorState(list.event, now) !== "open") return { status: "not_open" };
  const ticket =
    key.participant_id != null
      ? list.tickets.find((t) => t.participant_id === key.participant_id)
      : list.tickets.find((t) => key.digest && t.digest === key.digest);
  if (!ticket) return { status: "invalid" };
  const participant = participantOf(ticket);
  const day = dayOf(list.event, now);
  const session = key.session_id != null ? key.session_id : null;
  const listed = session != null ? null : listedEntry(ticket, day);
  const mine = earlierEntry(scans, ticket.participant_id, list.event, day, session);
  const nowIso = new Date(now).toISOString();
  if (key.type === "exit") {
    if (!listed && !mine) return { status: "not_checked_in", participant };
    return { status: "checked_out", participant, checked_out_at: nowIso, gate: null, day };
  }
  if (session == null && (listed || mine) && lastMoveWasExit(scans, ticket.participant_id, list.event, day)) {
    // Scanned out on this device, not in again since: back in (the server settles it on sync).
    return { status: "checked_in", participant, checked_in_at: nowIso, gate: null, day, reentry: true };
  }
  // Inside since a re-entry this device let in: amber says when they came back in, as the
  // server does (the day's latest entry), not the morning's first entry.
  const back = session == null ? latestReentry(scans, ticket.participant_id, list.event, day) : null;
  if (back) {
    return { status: "already_checked_in", participant, checked_in_at: back.at, gate: back.gate, day };
  }
  if (listed && (!mine || Date.parse(listed) <= Date.parse(mine.at))) {
    return { status: "already_checked_in", participant, checked_in_at: listed, gate: null, day };
  }
  if (mine) {
    return { status: "already_checked_in", participant, checked_in_at: mine.at, gate: mine.gate, day };
  }
  return { status: "checked_in", participant, checked_in_at: nowIso, gate: null, day };
}

// The latest re-entry (an entry after the day's exit) this device let in on `day`, if any.
function latestReentry(scans, participantId, event, day) {
  let best = null;
  for (const scan of scans) {
    const answer = effective(scan);
    if (!answer || answer.status !== "checked_in" || !answer.reentry) continue;
    if (scan.participant_id !== participantId || scan.body.session_id != null) continue;
    const at = answer.checked_in_at || scan.body.scanned_at;
    if (dayOf(event, Date.parse(scan.body.scanned_at || at)) !== day) continue;
    if (!best || Date.parse(at) > Date.parse(best.at)) {
      best = { at, gate: answer.gate != null ? answer.gate : scan.body.gate };
    }
  }
  return best;
}

// Whether this device's latest scan of the person on `day` that counted (by the scan's time) is
// an exit: then an entry is a re-entry, the server's rule (tracker/checkin/presence.py).
function lastMoveWasExit(scans, participantId, event, day) {
  let last = null;
  for (const scan of scans) {
    const answer = effective(scan);
    if (!answer || !KEPT.includes(answer.status) || scan.participant_id !== participantId) continue;
    if (scan.body.session_id != null || !scan.body.scanned_at) continue;
    if (dayOf(event, Date.parse(scan.body.scanned_at)) !== day) continue;
    if (!last || Date.parse(scan.body.scanned_at) >= Date.parse(last.body.scanned_at)) last = scan;
  }
  return last != null && last.body.type === "exit";
}

// The ticket's first entry on `day` by the downloaded list (an old list without days: its
// one check-in).
function listedEntry(ticket, day) {
  if (ticket.days) return ticket.days[day] || null;
  return ticket.checked_in_at || null;
}

function fold(text) {
  return String(text || "")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

// The name search without the server: every word must appear in the name or the agency.
export function searchOffline(list, query, limit) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const found = [];
  for (const t of list.tickets) {
    const hay = fold(`${t.name} ${t.agency}`);
    if (words.every((w) => hay.includes(w))) {
      found.push({
        participant_id: t.participant_id,
        name: t.name,
        agency: t.agency,
        category: t.category,
        checked_in_at: t.checked_in_at,
      });
      if (found.length >= limit) break;
    }
  }
  return found;
}
