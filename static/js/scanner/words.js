// The scanner's words and times: the server's translated strings filled in, times as HH:MM in
// the event's zone, and the title and colour of an answer. No DOM, no state.

// "%(time)s" and "%(n)d" placeholders, as Babel writes them, filled from `values`.
export function fill(template, values) {
  return template.replace(/%\((\w+)\)[sd]/g, (_, name) => (name in values ? values[name] : ""));
}

// HH:MM in the event's zone. The API writes times with the event's offset already.
export function clockIn(timezone) {
  let format = null;
  try {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  } catch (err) {
    format = null;
  }
  return (iso) => {
    if (!iso) return "";
    const when = new Date(iso);
    if (format && !Number.isNaN(when.getTime())) return format.format(when);
    const match = String(iso).match(/T(\d{2}):(\d{2})/);
    return match ? `${match[1]}:${match[2]}` : "";
  };
}

// HH:MM, with the weekday and date in front when the moment is not today in the event's zone
// ("Rabu, 22 Jul 2026 09:00"): "check-in opens at 09:00" on another day reads as today.
export function whenIn(timezone, lang) {
  const hhmm = clockIn(timezone);
  let day = null;
  try {
    day = new Intl.DateTimeFormat(lang || "id", {
      timeZone: timezone,
      weekday: "long",
      day: "numeric",
      month: "short",
      year: "numeric",
    });
  } catch (err) {
    day = null;
  }
  return (iso, now = Date.now()) => {
    if (!iso) return "";
    const when = new Date(iso);
    if (!day || Number.isNaN(when.getTime())) return hhmm(iso);
    const that = day.format(when);
    return that === day.format(new Date(now)) ? hhmm(iso) : `${that} ${hhmm(iso)}`;
  };
}

// The panel's colour for an answer's status.
export function colour(status) {
  if (status === "checked_in" || status === "checked_out") return "ok";
  if (status === "already_checked_in") return "warn";
  if (status === "checking" || status === "idle" || status === "unverified") return status;
  return "bad";
}

// The words of one page: `strings` and `categories` come from the server in the page's language.
export function wordsFor(strings, categories, hhmm, when = hhmm) {
  const T = strings;

  function categoryLabel(category) {
    return categories[category] || category || "";
  }

  function tumblerLabel(value) {
    if (value === true) return T.tumbler_yes;
    if (value === false) return T.tumbler_no;
    return T.tumbler_unknown;
  }

  function alreadyTitle(answer) {
    if (answer.checked_in_at && answer.gate) {
      return fill(T.already_at_gate, { time: hhmm(answer.checked_in_at), gate: answer.gate });
    }
    if (answer.checked_in_at) return fill(T.already_at, { time: hhmm(answer.checked_in_at) });
    return T.already;
  }

  function answerTitle(answer, offline) {
    const titles = {
      checked_in: () => (answer.reentry ? T.reentry : T.checked_in),
      already_checked_in: () => alreadyTitle(answer),
      invalid: () => T.invalid,
      wrong_event: () => T.wrong_event,
      not_open: () => T.not_open,
      checked_out: () =>
        answer.checked_out_at ? fill(T.checked_out_at, { time: hhmm(answer.checked_out_at) }) : T.checked_out,
      not_checked_in: () => T.not_checked_in,
      checking: () => T.checking,
    };
    if (answer.status === "unverified") return T.unverified;
    const title = (titles[answer.status] || (() => T.error))();
    return offline ? `${title} ${T.offline_suffix}` : title;
  }

  return { T, hhmm, when, fill, categoryLabel, tumblerLabel, answerTitle };
}
