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

  // A drop-down marked data-narrowed-by="<field>" offers only the options whose
  // data-department is that field's value (all of them when it is empty); an option hidden so
  // is unselected. Without the script every option stays offered and the server checks.
  function narrow(select) {
    var form = select.form;
    var by = form ? form.elements[select.dataset.narrowedBy] : null;
    if (!by) { return; }
    var chosen = by.value;
    select.querySelectorAll("option[data-department]").forEach(function (option) {
      var off = chosen !== "" && option.dataset.department !== chosen;
      option.hidden = off;
      option.disabled = off;
      if (off && option.selected) { select.value = ""; }
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }

  function narrowAll(root) {
    root.querySelectorAll("select[data-narrowed-by]").forEach(narrow);
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || !field.name) { return; }
    field.form.querySelectorAll('select[data-narrowed-by="' + field.name + '"]').forEach(narrow);
  });

  document.addEventListener("DOMContentLoaded", function () { bars(document); narrowAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { narrowAll(event.target); });
  document.addEventListener("htmx:afterSwap", function (event) { bars(event.target); });
})();
