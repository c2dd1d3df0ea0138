/* The pool page's two charts (ECharts): the value-cost matrix and the pool by status.
   Data comes from the page (json_script "pool-chart-data"): bounded server-side aggregates. */
(function () {
  "use strict";

  const QUADRANT_COLORS = {
    quick_win: "#16a34a",
    strategic: "#2563eb",
    fill_in: "#d97706",
    deprioritize: "#9ca3af",
  };
  // Where each quadrant sits: value high = above 3, cost high = right of 3.
  const QUADRANT_AREAS = {
    quick_win: [[0.5, 3], [3, 5.5]],
    strategic: [[3, 3], [5.5, 5.5]],
    fill_in: [[0.5, 0.5], [3, 3]],
    deprioritize: [[3, 0.5], [5.5, 3]],
  };
  const OPEN_STATUS_COLOR = "#2563eb";
  const STATUS_COLORS = {
    new: "#7c3aed", needs_info: "#d97706", done: "#16a34a", merged: "#9ca3af",
    out_of_scope: "#9ca3af", rejected: "#dc2626",
  };

  // Points on the 1-5 grid overlap: spread them a little, the same way on every load, and
  // never across a quadrant line (3 itself is "low", so a 3 only moves down or left).
  function unit(seed) {
    // FNV-1a with a final mix, so that "…x" and "…y" seeds give unrelated offsets.
    let h = 2166136261;
    for (let i = 0; i < seed.length; i += 1) {
      h ^= seed.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
    h ^= h >>> 15;
    return (h >>> 0) / 4294967296;
  }

  function jitter(seed, spread, onLine) {
    const j = (unit(seed) - 0.5) * 2 * spread;
    return onLine ? -Math.abs(j) : j;
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }

  function wholeNumbers(v) {
    return Number.isInteger(v) ? String(v) : "";
  }

  function matrix(el, data) {
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    const series = data.quadrants.map(function (q, i) {
      const points = data.points
        .filter(function (p) { return p.quadrant === q.key; })
        .map(function (p) {
          return {
            value: [
              p.cost + jitter(p.number + "x", 0.3, p.cost === 3),
              p.value + jitter(p.number + "y", 0.2, p.value === 3),
            ],
            number: p.number, title: p.title, score: p.score, url: p.url,
          };
        });
      const area = QUADRANT_AREAS[q.key];
      return {
        name: q.label,
        type: "scatter",
        symbolSize: 9,
        itemStyle: { color: QUADRANT_COLORS[q.key], opacity: 0.8 },
        data: points,
        markArea: {
          silent: true,
          itemStyle: { color: QUADRANT_COLORS[q.key], opacity: 0.06 },
          label: { position: "insideTop", color: "#374151", fontSize: 12 },
          data: [[{ name: q.label + " · " + q.n, coord: area[0] }, { coord: area[1] }]],
        },
        markLine: i === 0 ? {
          silent: true,
          symbol: "none",
          label: { show: false },
          lineStyle: { type: "dashed", color: "#6b7280" },
          data: [{ xAxis: 3 }, { yAxis: 3 }],
        } : undefined,
      };
    });
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 44 },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          const d = item.data;
          return "<strong>" + escapeHtml(d.number) + "</strong><br>" + escapeHtml(d.title) +
            "<br>" + escapeHtml(data.text.score) + ": " + d.score;
        },
      },
      // Ticks every half step from 0.5 so that the whole numbers 1-5 carry the labels.
      xAxis: {
        type: "value", min: 0.5, max: 5.5, interval: 0.5, name: data.text.cost,
        nameLocation: "middle", nameGap: 28, splitLine: { show: false },
        axisTick: { show: false },
        axisLabel: { formatter: wholeNumbers },
      },
      yAxis: {
        type: "value", min: 0.5, max: 5.5, interval: 0.5, name: data.text.value,
        nameLocation: "middle", nameGap: 30, splitLine: { show: false },
        axisTick: { show: false },
        axisLabel: { formatter: wholeNumbers },
      },
      series: series,
    });
    chart.on("click", function (item) {
      if (item.data && item.data.url) window.location.href = item.data.url;
    });
    return chart;
  }

  function byStatus(el, data) {
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    // Horizontal bars: status names are long, and the workflow reads top to bottom.
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.status.map(function (s) { return s.label; }),
        axisTick: { show: false },
        axisLabel: { fontSize: 12 },
      },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef0f3" } } },
      series: [{
        type: "bar",
        name: data.text.requirements,
        barMaxWidth: 18,
        label: { show: true, position: "right" },
        data: data.status.map(function (s) {
          return { value: s.n, itemStyle: { color: STATUS_COLORS[s.key] || OPEN_STATUS_COLOR } };
        }),
      }],
    });
    return chart;
  }

  function init() {
    const source = document.getElementById("pool-chart-data");
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const charts = [];
    const m = document.getElementById("chart-matrix");
    const s = document.getElementById("chart-status");
    if (m) charts.push(matrix(m, data));
    if (s) charts.push(byStatus(s, data));
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
