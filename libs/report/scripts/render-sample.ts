/**
 * Renders the sample flagship report (synthetic data from
 * `sampleFlagshipReport`) as JSON, text and HTML into a folder, e.g.
 *   npx tsx --conditions=development libs/report/scripts/render-sample.ts /tmp/sample
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml, renderJson, renderText } from '../src/index';
import { sampleFlagshipReport } from '../src/testing';

const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: render-sample.ts <output-folder>\n');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const report = sampleFlagshipReport();
writeFileSync(join(outDir, 'report.json'), renderJson(report));
writeFileSync(join(outDir, 'report.txt'), renderText(report));
writeFileSync(join(outDir, 'report.html'), renderHtml(report));
process.stdout.write(`wrote report.json, report.txt, report.html to ${outDir}\n`);
