// Progressive enhancement for the checklist page; every form also works without it.
// - Names the photo chosen next to the file input (phones give no other feedback).
// - Greys out a card while it is being sent, so a second tap on slow data is not a second post.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  let hint = input.parentElement.querySelector(".file-chosen");
  if (!hint) {
    hint = document.createElement("small");
    hint.className = "file-chosen help";
    input.after(hint);
  }
  hint.textContent = input.files.length ? input.files[0].name : "";
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList.contains("item-form") || event.defaultPrevented) return;
  if (form.classList.contains("busy")) {
    event.preventDefault();
    return;
  }
  form.classList.add("busy");
});
