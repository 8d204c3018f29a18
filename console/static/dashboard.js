// Draws the dashboard's charts from the JSON blocks the page carries (no data is fetched from elsewhere).
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = "system-ui, sans-serif";
  Chart.defaults.animation = false;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var block = document.getElementById("chart-" + canvas.dataset.chart);
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    var line = spec.kind === "line";
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = { x: { stacked: spec.stacked }, y: { stacked: spec.stacked } };
    scales[valueAxis].beginAtZero = true;
    if (spec.unit) { scales[valueAxis].title = { display: true, text: spec.unit }; }
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color, spanGaps: true,
                   tension: 0.2, pointRadius: line ? 2 : 0 };
        })
      },
      options: { indexAxis: spec.horizontal ? "y" : "x", maintainAspectRatio: false, responsive: true,
                 scales: scales, plugins: { legend: { position: "bottom" } } }
    });
    canvas.dataset.drawn = "1";
  });
  document.body.dataset.chartsDrawn = "1";
})();
