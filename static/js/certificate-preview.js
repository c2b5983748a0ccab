// The certificate design's live preview: the form, as typed, is posted to preview.png (the
// server renders the real PDF page) and the picture is swapped in. No inline script (CSP).
(function () {
  "use strict";
  var form = document.getElementById("design-form");
  var img = document.getElementById("certificate-preview");
  if (!form || !img || !window.fetch || !window.FormData) return;
  var timer = null;
  var pending = null;
  var shown = null;

  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(img.dataset.url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob();
      })
      .then(function (blob) {
        if (shown) URL.revokeObjectURL(shown);
        shown = URL.createObjectURL(blob);
        img.src = shown;
      })
      .catch(function () { /* keep the last picture; saving still works */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  refresh();
})();
