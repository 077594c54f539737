/* Draws the charts of the dashboard and the reports with the vendored Chart.js.
 *
 * Each <canvas data-chart="ID"> reads its figures from <script type="application/json" id="ID">
 * (Django's json_script): {type, horizontal?, labels, datasets: [{label, data}]}. Figures come
 * as strings of decimals (or null) and are parsed here. The same figures are in a table next
 * to each chart, for printing and screen readers. */
(function () {
  "use strict";
  var palette = ["#2f6f9f", "#d9822b", "#2f8132", "#c0392b", "#7b5ea7", "#8c6d31",
                 "#1f9e89", "#d6616b", "#637939", "#3182bd"];

  function number(value) {
    return value === null || value === undefined ? null : parseFloat(value);
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    if (spec.horizontal && canvas.parentNode) {
      // One bar a label: 30 departments need more room than a few.
      canvas.parentNode.style.height = Math.max(260, 40 + spec.labels.length * 26) + "px";
    }
    var line = spec.type === "line";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data.map(number),
        backgroundColor: line ? colour : (spec.datasets.length === 1 ? palette.slice(0, dataset.data.length) : colour),
        borderColor: colour,
        maxBarThickness: 56,
        spanGaps: true,
        tension: 0.2
      };
    });
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: line, position: "bottom" } },
        scales: spec.horizontal
          ? { x: { beginAtZero: true, suggestedMax: 100 } }
          : { y: { beginAtZero: true, ticks: line ? {} : { precision: 0 } } }
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
