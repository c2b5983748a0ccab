// Sound and vibration for an answer, where the browser allows them: a high beep for "in", two
// middle beeps for "already in", a low long one for "no". A browser plays sound only after
// the person touched the page, so `unlock` runs on the first tap or key press.
let audio = null;

export function unlock() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (audio || !Context) return;
  try {
    audio = new Context();
  } catch (err) {
    audio = null;
  }
}

function beep(frequency, ms, times) {
  if (!audio) return;
  if (audio.state === "suspended") audio.resume().catch(() => {});
  for (let i = 0; i < times; i += 1) {
    const start = audio.currentTime + i * (ms / 1000 + 0.08);
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "square";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + ms / 1000);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + ms / 1000);
  }
}

function vibrate(pattern) {
  if (navigator.vibrate) navigator.vibrate(pattern);
}

export function signal(status) {
  try {
    if (status === "checked_in" || status === "checked_out") {
      beep(1320, 120, 1);
      vibrate(80);
    } else if (status === "already_checked_in" || status === "unverified") {
      beep(660, 140, 2);
      vibrate([100, 80, 100]);
    } else {
      beep(220, 350, 1);
      vibrate([300, 100, 300]);
    }
  } catch (err) {
    /* a courtesy: never let it break a scan */
  }
}
