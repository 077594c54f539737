// The rating grid (templates/reviews/grid.html): entry by keyboard, changed rows marked, only
// changed rows posted, the focused competency's levels described beside the grid, and the
// employee's self-assessment in a dialog. Without this script the grid is a plain form.
(() => {
  const DIGITS = new Set(["1", "2", "3", "4", "5"]);

  const cells = () => Array.from(document.querySelectorAll("#grid-form input.cell"));
  const rowOf = (cell) => cell.closest("tr");
  const rowCells = (row) => Array.from(row.querySelectorAll("input.cell"));

  const changed = (row) => rowCells(row).some((cell) => cell.value.trim() !== cell.dataset.saved);

  const mark = (row) => {
    row.classList.toggle("changed", changed(row));
    rowCells(row).forEach((cell) => {
      cell.classList.toggle("changed", cell.value.trim() !== cell.dataset.saved);
    });
    count();
  };

  const count = () => {
    const out = document.getElementById("grid-changed");
    if (!out) return;
    const rows = document.querySelectorAll("#grid-form tbody tr.changed").length;
    out.textContent = rows ? out.dataset.some.replace("%s", String(rows)) : out.dataset.none;
  };

  const move = (cell, by) => {
    const all = cells();
    const next = all[all.indexOf(cell) + by];
    if (next) { next.focus(); next.select(); }
  };

  const moveVertically = (cell, by) => {
    const row = rowOf(cell);
    const column = rowCells(row).indexOf(cell);
    let other = by > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (other && !other.querySelector("input.cell")) {
      other = by > 0 ? other.nextElementSibling : other.previousElementSibling;
    }
    if (!other) return;
    const target = rowCells(other)[column];
    if (target) { target.focus(); target.select(); }
  };

  const describe = (cell) => {
    const box = document.getElementById("grid-at-hand");
    const scale = document.querySelector(`[data-scale="${cell.dataset.code}"]`);
    if (!box || !scale) return;
    box.replaceChildren(scale.cloneNode(true));
    box.hidden = false;
    const value = cell.value.trim();
    box.querySelectorAll("[data-level]").forEach((item) => {
      item.classList.toggle("current", item.dataset.level === value);
    });
  };

  document.addEventListener("keydown", (event) => {
    const cell = event.target;
    if (!(cell instanceof HTMLInputElement) || !cell.matches("#grid-form input.cell")) return;
    if (event.ctrlKey || event.metaKey) {
      if (event.key === "Enter") {
        event.preventDefault();
        cell.form.requestSubmit();
      }
      return;
    }
    if (event.altKey) return;
    if (DIGITS.has(event.key)) {
      event.preventDefault();
      cell.value = event.key;
      mark(rowOf(cell));
      describe(cell);
      if (document.getElementById("grid-advance")?.checked !== false) move(cell, 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      move(cell, event.shiftKey ? -1 : 1);
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      move(cell, 1);
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      move(cell, -1);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      moveVertically(cell, 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      moveVertically(cell, -1);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      cell.value = cell.dataset.saved;
      mark(rowOf(cell));
      describe(cell);
    } else if (event.key.length === 1) {
      event.preventDefault(); // any other character: a cell holds 1–5 only
    }
  });

  document.addEventListener("input", (event) => {
    const cell = event.target;
    if (cell instanceof HTMLInputElement && cell.matches("#grid-form input.cell")) {
      mark(rowOf(cell));
    }
  });

  document.addEventListener("focusin", (event) => {
    const cell = event.target;
    if (cell instanceof HTMLInputElement && cell.matches("#grid-form input.cell")) {
      describe(cell);
      cell.select();
    }
  });

  // Only the changed rows are sent: the inputs of the others are left out of the request.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "grid-form") return;
    const rows = Array.from(form.querySelectorAll("tbody tr"));
    if (!rows.some(changed)) {
      event.preventDefault();
      count();
      return;
    }
    rows.forEach((row) => {
      if (!changed(row)) row.querySelectorAll("input").forEach((input) => { input.disabled = true; });
    });
  });

  // The employee's self-assessment, a click away: in a dialog over the grid.
  document.addEventListener("click", async (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.self-link") : null;
    const dialog = document.getElementById("grid-dialog");
    if (!link || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    const response = await fetch(link.dataset.fragment, {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    });
    if (!response.ok) { window.location.href = link.href; return; }
    const body = document.getElementById("grid-dialog-body");
    body.innerHTML = await response.text();
    dialog.showModal();
  });

  // The grid after a refused save shows the rows sent: mark them as changed.
  const start = () => {
    const extra = document.getElementById("grid-advance-field");
    if (extra) extra.hidden = false;
    document.querySelectorAll("#grid-form tbody tr").forEach(mark);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
