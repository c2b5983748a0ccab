// The scanner's camera: frames of the video go to a QR decoder, decoded codes to `onCode`.
//
// The decoder is the browser's BarcodeDetector where it reads QR codes (Android Chrome, macOS),
// else jsQR (static/vendor) on a canvas copy of the frame. jsQR is 130 KB (45 KB gzipped), so it
// is fetched only on a browser that needs it, when the camera is first opened (a classic
// script: it sets window.jsQR). About eight frames a second are
// read: plenty for a ticket held up to the lens, and easy on a phone's battery. The camera sees
// one ticket many times a second, for as long as it is held up: the code is passed on once, and
// again only after it has been out of sight for GONE_MS (taken away and shown anew), so a ticket
// held in front of the lens is not green, then amber every few seconds.
export const GONE_MS = 1500;
const FRAME_MS = 120;
const MAX_SIDE = 800; // larger frames only slow jsQR down

async function barcodeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return async (video) => {
      const codes = await detector.detect(video);
      return codes.length ? codes[0].rawValue : null;
    };
  } catch (err) {
    return null;
  }
}

let jsqrLoading = null;

// Resolves true once window.jsQR is there; false if the script could not be fetched (offline
// before the service worker kept a copy), and a later call tries again.
function loadJsqr(url) {
  if (typeof window.jsQR === "function") return Promise.resolve(true);
  if (!url) return Promise.resolve(false);
  jsqrLoading =
    jsqrLoading ||
    new Promise((resolve) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(typeof window.jsQR === "function");
      script.onerror = () => {
        script.remove();
        jsqrLoading = null;
        resolve(false);
      };
      document.head.appendChild(script);
    });
  return jsqrLoading;
}

async function jsqrDecoder(canvas, url) {
  if (!(await loadJsqr(url))) return null;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (!width || !height) return null;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const found = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
    return found && found.data ? found.data : null;
  };
}

// Open the camera and start reading; `decoderUrl` is jsQR's address, fetched only if the browser
// has no BarcodeDetector. Rejects with the getUserMedia error (NotAllowedError, NotFoundError,
// ...) or Error("no-decoder"). Resolves {stop(), decoder}.
export async function open(video, canvas, onCode, decoderUrl) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("unsupported");
  }
  let decode = await barcodeDetector();
  const decoder = decode ? "barcode-detector" : "jsqr";
  decode = decode || (await jsqrDecoder(canvas, decoderUrl));
  if (!decode) throw new Error("no-decoder");
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: false,
  });
  video.srcObject = stream;
  await video.play().catch(() => {});

  const seen = { code: "", last: 0 };
  let busy = false;
  let next = 0;
  let frame = 0;

  function found(raw) {
    const code = String(raw || "").trim();
    const now = Date.now();
    if (!code) return;
    const stillInSight = code === seen.code && now - seen.last < GONE_MS;
    seen.code = code;
    seen.last = now;
    if (!stillInSight) onCode(code);
  }

  function loop(time) {
    frame = requestAnimationFrame(loop);
    if (busy || time < next || video.readyState < 2) return;
    busy = true;
    next = time + FRAME_MS;
    decode(video)
      .then((code) => code && found(code))
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }
  frame = requestAnimationFrame(loop);

  return {
    decoder,
    stop() {
      cancelAnimationFrame(frame);
      stream.getTracks().forEach((track) => track.stop());
      video.srcObject = null;
    },
  };
}
