// A tap-to-sign pad on a <canvas>: finger, stylus or mouse (Pointer Events), black ink on a
// transparent background, sized to the canvas's width on screen and the device's pixel ratio
// so strokes stay sharp on a phone. Used by the door page (signature-door.js) and the scanner
// (scanner/signature.js). What it gives is a PNG data URL; the server checks and re-encodes it.
export function attachPad(canvas, onChange = () => {}) {
  const context = canvas.getContext("2d");
  let drawing = false;
  let strokes = 0;
  let last = null;

  function fit() {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 300;
    const height = canvas.clientHeight || 150;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    strokes = 0;
    onChange(true);
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    context.beginPath();
    context.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
    context.fillStyle = "#111";
    context.fill();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const next = point(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
  });
  function end() {
    if (!drawing) return;
    drawing = false;
    strokes += 1;
    onChange(false);
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("pointerleave", end);

  fit();
  return {
    isEmpty: () => strokes === 0,
    clear: () => {
      context.clearRect(0, 0, canvas.width, canvas.height);
      strokes = 0;
      onChange(true);
    },
    dataUrl: () => canvas.toDataURL("image/png"),
    fit,
  };
}
