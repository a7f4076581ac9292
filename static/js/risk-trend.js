// The scans page's risk-trend chart: a project's AI risk score over its last completed scans. The data
// comes from the page in a json_script element, since the CSP allows no inline script.
(function () {
  "use strict";

  var canvas = document.getElementById("risk-trend");
  var data = document.getElementById("risk-trend-data");
  if (!canvas || !data || !window.Chart) {
    return;
  }
  var trend = JSON.parse(data.textContent);
  var accent = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim() || "#2563eb";

  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: [
        {
          label: "AI risk score",
          data: trend.scores,
          borderColor: accent,
          backgroundColor: accent,
          pointRadius: 3,
          tension: 0.25,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { stepSize: 20 } } },
      plugins: { legend: { display: false } },
    },
  });
})();
