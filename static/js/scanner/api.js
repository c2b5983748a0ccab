// The scanner's calls to the check-in API, with the session cookie and the CSRF header.
//
// Any HTTP answer means the server is reachable (`onReachable`), even a 4xx. A fetch that
// fails (TypeError) or times out rejects: the caller treats that as offline. The page stays
// open all day, longer than a CSRF token lives: a refused token is renewed once and the call
// repeated, which is safe because every check-in carries its nonce.
export const RESULTS = [
  "checked_in",
  "already_checked_in",
  "invalid",
  "wrong_event",
  "not_open",
  "checked_out",
  "not_checked_in",
];

export function create({ urls, timeoutMs, onReachable, onLogin }) {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function refreshCsrf() {
    const response = await fetch(urls.token, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok || response.redirected) throw new Error("no token");
    const body = await response.json();
    document.querySelector('meta[name="csrf-token"]').content = body.csrf_token;
  }

  // GET JSON; rejects on network failure, resolves null on an HTTP error.
  async function getJson(url) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    onReachable();
    if (response.status === 401) onLogin(true);
    if (!response.ok) return null;
    onLogin(false);
    return response.json();
  }

  async function post(url, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  // POST JSON. Resolves {kind: "answer", answer} when `accepts(response, payload)` |
  // {kind: "retry"} (keep it queued: login, server trouble) | {kind: "refused", message} (the
  // request itself is wrong). Rejects on network failure or timeout: that is "offline".
  async function postJson(url, body, accepts, csrfRetried) {
    const response = await post(url, body);
    onReachable();
    let payload = null;
    try {
      payload = await response.json();
    } catch (err) {
      payload = null;
    }
    if (accepts(response, payload)) {
      onLogin(false);
      return { kind: "answer", answer: payload };
    }
    const code = payload && payload.error ? payload.error.code : "";
    if (code === "csrf_failed" && !csrfRetried) {
      try {
        await refreshCsrf();
      } catch (err) {
        onLogin(true);
        return { kind: "retry" };
      }
      return postJson(url, body, accepts, true);
    }
    if (response.status === 401 || response.status === 403 || code === "csrf_failed") {
      onLogin(true);
      return { kind: "retry" };
    }
    if (response.status >= 500 || response.status === 429) return { kind: "retry" };
    const message = payload && payload.error ? payload.error.message : `HTTP ${response.status}`;
    return { kind: "refused", message };
  }

  // A check-in: any answer with a known status (a red one too) is an answer.
  function postCheckin(body) {
    return postJson(urls.checkins, body, (_r, payload) => payload && RESULTS.includes(payload.status));
  }

  // A signature after a check-in ({participant_id, image, nonce}): kept when 201. The same
  // nonce sent again is kept once, so a retry is always safe.
  function postSignature(body) {
    return postJson(urls.signatures, body, (response) => response.ok);
  }

  return { getJson, postCheckin, postSignature };
}
