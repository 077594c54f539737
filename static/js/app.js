// What every page needs: the width of each completion bar from its data-percent (the
// Content-Security-Policy allows no inline style attribute).
(function () {
  "use strict";
  function bars(root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.percent) || 0)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { bars(document); });
  document.addEventListener("htmx:afterSwap", function (event) { bars(event.target); });
})();
