// The director's queue: a header checkbox that selects or clears every row on the page.
// Listens on the document, so it keeps working after htmx swaps the page in.
(() => {
  const ROWS = 'input[type=checkbox][form="bulk-approve"][name="review"]';
  const sync = () => {
    const all = document.querySelector("[data-select-all]");
    if (!all) return;
    const boxes = Array.from(document.querySelectorAll(ROWS));
    all.checked = boxes.length > 0 && boxes.every((box) => box.checked);
    all.indeterminate = !all.checked && boxes.some((box) => box.checked);
  };
  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll(ROWS).forEach((box) => { box.checked = target.checked; });
    } else if (target.matches(ROWS)) {
      sync();
    }
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
})();

// Pages that swap themselves in with htmx (hx-boost) also show a refused form (400, 409): it
// carries the message, the user's text and the selection.
document.addEventListener("htmx:beforeSwap", (event) => {
  const source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!source || !source.closest || !source.closest("[data-swap-errors]")) return;
  if ([400, 409].includes(event.detail.xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The queue's one dialog (return with a comment, reopen with a reason), opened per row: the
// row's button names the review and the revision the page showed.
(() => {
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const opener = target.closest("[data-dialog-open]");
    if (opener) {
      const dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
      if (!(dialog instanceof HTMLDialogElement)) return;
      dialog.querySelector("[data-dialog-review]").value = opener.dataset.review;
      dialog.querySelector("[data-dialog-revision]").value = opener.dataset.revision;
      dialog.querySelector("[data-dialog-name]").textContent = opener.dataset.name;
      const error = dialog.querySelector("[role=alert]");
      if (error) error.remove();
      const text = dialog.querySelector("textarea");
      if (text) text.value = "";
      if (dialog.open) dialog.close();
      dialog.showModal();
      if (text) text.focus();
      return;
    }
    const closer = target.closest("[data-dialog-close]");
    if (closer) {
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });
  // A refused return or reopening comes back with the dialog open: make it modal.
  const reopen = () => {
    const dialog = document.querySelector("dialog[data-open-modal][open]");
    if (dialog instanceof HTMLDialogElement && !dialog.matches(":modal")) {
      dialog.close();
      dialog.showModal();
    }
  };
  document.addEventListener("DOMContentLoaded", reopen);
  document.addEventListener("htmx:afterSettle", reopen);
})();
