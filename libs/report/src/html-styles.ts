/**
 * The report page's inline CSS: system fonts only (the page must open
 * offline), laid out for a 1280 px wide window, text contrast >= 4.5:1.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa; --accent: #0a58ca;
  --good: #116329; --good-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9; --warn: #7d4e00; --warn-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main, header.page { max-width: 1240px; margin: 0 auto; padding: 0 20px; }
header.page { padding-top: 20px; padding-bottom: 8px; border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
h4 { font-size: 13px; margin: 6px 0; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p.description { margin: 4px 0 8px; max-width: 110ch; }
dl.facts { display: flex; flex-wrap: wrap; gap: 4px 20px; margin: 6px 0; }
dl.facts div { display: flex; gap: 6px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-weight: 600; }
.summary-badges { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.check-passed, .outcome-completed { color: var(--good); background: var(--good-bg); border-color: #aceebb; }
.check-failed, .outcome-failed { color: var(--bad); background: var(--bad-bg); border-color: #ffcecb; }
.outcome-cancelled, .outcome-aborted { color: var(--warn); background: var(--warn-bg); border-color: #eac54f; }
.outcome-unfinished { color: var(--muted); background: var(--panel); border-color: var(--line); }
.table-scroll { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data caption { caption-side: top; text-align: left; color: var(--muted); padding: 2px 0 6px; }
table.data th, table.data td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data thead th { background: var(--panel); font-weight: 600; }
table.data tbody th, table.data td:first-child, #recovery-comparison td { white-space: nowrap; }
table.data tr.group-row th { background: #fff; color: var(--muted); font-weight: 500; text-align: center; border-bottom: 2px solid var(--line); }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.best { color: var(--good); font-weight: 700; }
table.data tbody tr:hover { background: #f3f8ff; }
#recovery-comparison tbody th { white-space: nowrap; }
/* Headers wrap so that the thirteen columns fit a 1280 px window. */
#recovery-comparison thead th { white-space: normal; vertical-align: bottom; }
tr.failed td, tr.failed th { background: #fff6f5; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.note { color: var(--muted); }
p.verdict { font-size: 15px; font-weight: 600; margin: 4px 0 10px; padding: 8px 12px; background: #eef6ff; border-left: 4px solid var(--accent); }
figure.chart-group { margin: 10px 0 22px; padding: 10px 12px 4px; border: 1px solid var(--line); border-radius: 6px; }
figure.chart-group figcaption { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; font-size: 13px; margin-bottom: 4px; }
figure.chart-group figcaption strong { font-size: 15px; margin-right: 6px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend svg { width: 30px; height: 10px; }
.close-ups { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.close-up { margin-top: 14px; padding-top: 8px; border-top: 1px solid var(--line); }
p.close-up-note { margin: 0 0 2px 4px; color: var(--muted); font-size: 12.5px; }
.chart-title { font-size: 13px; font-weight: 600; margin: 8px 0 0 4px; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg.chart .plot-area { fill: #fff; stroke: none; }
svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.chart .axis, svg.chart .tick-mark { stroke: #6e7781; stroke-width: 1; }
svg.chart .tick { fill: var(--muted); font-size: 12px; }
svg.chart .axis-label { fill: var(--ink); font-size: 12.5px; }
svg.chart .series { fill: none; stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .phase-band { opacity: .55; }
.phase-setup { fill: #d8dee4; background: #d8dee4; }
.phase-round { fill: #cfe3ff; background: #cfe3ff; }
.phase-band-group:nth-child(even) .phase-round { fill: #b6d4fe; }
.phase-stop-and-copy { fill: #ffe2b8; background: #ffe2b8; }
.phase-postcopy { fill: #ead7f7; background: #ead7f7; }
svg.chart .fault-marker-label, svg.chart .event-marker-label, svg.chart .band-label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .band-label { fill: #33506e; font-size: 11px; }
svg.chart .fault-marker { stroke: #a40e26; stroke-width: 1.6; stroke-dasharray: 5 3; }
svg.chart .fault-marker-label { fill: #a40e26; font-size: 11.5px; font-weight: 600; }
svg.chart .event-marker { stroke: #3d4651; stroke-width: 1.2; stroke-dasharray: 2 3; }
svg.chart .event-marker-label { fill: #3d4651; font-size: 11.5px; }
svg.chart .level-line { stroke: #57606a; stroke-width: 1; stroke-dasharray: 6 3; }
svg.chart .level-label { fill: #57606a; font-size: 10.5px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .hover-guide { stroke: #1b1f24; stroke-width: 1; stroke-dasharray: 1 2; }
.phase-chip { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; border: 1px solid #8c959f; }
details.attempt { margin: 6px 0; border: 1px solid var(--line); border-radius: 6px; padding: 4px 10px; }
details.attempt summary { cursor: pointer; }
.attempt-body { display: grid; grid-template-columns: minmax(220px, 1fr) 2fr; gap: 18px; }
ul.phases, ul.hosts { margin: 4px 0; padding-left: 18px; }
table.info { border-collapse: collapse; font-size: 12.5px; }
table.info th, table.info td { padding: 2px 10px 2px 0; text-align: left; font-weight: normal; }
details.events summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
#readout { position: fixed; pointer-events: none; display: none; background: rgba(27, 31, 36, .94); color: #fff; padding: 6px 9px;
  border-radius: 5px; font-size: 12px; line-height: 1.5; z-index: 10; white-space: nowrap; }
#readout .swatch { width: 10px; height: 10px; }
footer { max-width: 1240px; margin: 30px auto 20px; padding: 0 20px; color: var(--muted); font-size: 12px; }
`;
