// What every page needs, as a file: the Content-Security-Policy allows no inline script, no
// event handler attribute (hx-on…) and no inline style attribute.
(function () {
  "use strict";

  // The width of each completion bar, from its data-percent.
  function bars(root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
    });
  }

  // A part of the page marked data-swap-errors="400 409" is swapped in by htmx also when the
  // answer has one of those statuses: it is the form again, with its errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var owner = target && target.closest ? target.closest("[data-swap-errors]") : null;
    if (!owner) { return; }
    var statuses = owner.dataset.swapErrors.split(/\s+/);
    if (statuses.indexOf(String(event.detail.xhr.status)) !== -1) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () { bars(document); });
  document.addEventListener("htmx:afterSwap", function (event) { bars(event.target); });
})();
