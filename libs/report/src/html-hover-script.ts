/**
 * The page's only script: a hover readout for the charts. It reads the chart
 * data from `<script type="application/json" id="chart-data">` (written by
 * `renderHtml`), and builds the readout with DOM text nodes, never
 * innerHTML, so names from user files cannot inject markup.
 */
export const HOVER_SCRIPT = `
(function () {
  var source = document.getElementById('chart-data');
  var readout = document.getElementById('readout');
  if (!source || !readout) return;
  var data = JSON.parse(source.textContent);
  // Index of the first time >= t (times.length when none is).
  function firstAtOrAfter(times, t) {
    var lo = 0, hi = times.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  // The value at t, or null outside the series. Samples come at uneven intervals: an interval mean
  // holds over the interval that ends at its time; an instant value is interpolated between samples.
  function valueAt(series, t) {
    var times = series.t, values = series.v, i = firstAtOrAfter(times, t);
    if (i >= times.length || (times[i] > t && i === 0)) return null;
    if (series.shape === 'interval-mean' || times[i] === t) return values[i];
    var share = (t - times[i - 1]) / (times[i] - times[i - 1]);
    return values[i - 1] + (values[i] - values[i - 1]) * share;
  }
  function timeText(chart, tMs) {
    var text = chart.unit === 'ms' ? Math.abs(tMs).toFixed(1) + ' ms' : (Math.abs(tMs) / 1000).toFixed(2) + ' s';
    if (chart.timeFrom === 'logging-off') return text + (tMs < 0 ? ' before' : ' after') + ' dirty logging off';
    return 't = ' + text;
  }
  function line(color, text, bold) {
    var row = document.createElement('div');
    if (color) { var swatch = document.createElement('span'); swatch.className = 'swatch'; swatch.style.background = color; row.appendChild(swatch); }
    var label = document.createElement(bold ? 'strong' : 'span');
    label.textContent = text;
    row.appendChild(label);
    return row;
  }
  data.charts.forEach(function (chart) {
    var svg = document.getElementById(chart.id);
    if (!svg) return;
    var g = chart.geometry;
    var plotWidth = g.width - g.left - g.right;
    var guide = svg.querySelector('.hover-guide');
    function hide() { readout.style.display = 'none'; guide.setAttribute('visibility', 'hidden'); }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (event) {
      var box = svg.getBoundingClientRect();
      var x = (event.clientX - box.left) * g.width / box.width;
      if (x < g.left || x > g.left + plotWidth) { hide(); return; }
      var tMs = chart.xMinMs + (x - g.left) / plotWidth * (chart.xMaxMs - chart.xMinMs);
      guide.setAttribute('x1', x); guide.setAttribute('x2', x); guide.setAttribute('visibility', 'visible');
      readout.replaceChildren(line(null, timeText(chart, tMs), true));
      chart.series.forEach(function (series) {
        var value = valueAt(series, tMs);
        readout.appendChild(line(series.color, series.name + ': ' + (value === null ? '\u2014' : (value * 100).toFixed(1) + ' %'), false));
      });
      readout.style.display = 'block';
      var left = event.clientX + 14;
      if (left + readout.offsetWidth > window.innerWidth - 8) left = event.clientX - readout.offsetWidth - 14;
      readout.style.left = left + 'px';
      readout.style.top = (event.clientY + 14) + 'px';
    });
  });
})();
`;
