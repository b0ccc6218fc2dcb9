/**
 * Series colours: the Okabe-Ito hues (distinguishable with the common
 * colour-vision deficiencies) without its yellow, with the reddish purple and
 * the orange darkened and the sky blue replaced by a purple, so that every
 * line has at least 3:1 contrast against the white plot (WCAG 2.1 for
 * graphics; the lowest here is the green, 3.42:1).
 * Dash patterns repeat every other colour so that two series with the same
 * curve (e.g. zap-rmap and zap-max-level) stay visible when they overlap.
 */
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#C0619A', '#B37A00', '#6A3D9A', '#000000'];
const DASHES = ['', '9 5', '', '3 3', '', '9 3 2 3', ''];

export interface SeriesStyle {
  color: string;
  dash: string;
}

export function seriesStyle(index: number): SeriesStyle {
  const slot = ((index % COLORS.length) + COLORS.length) % COLORS.length;
  // Past the palette, the dash patterns shift so that colour + dash stays unique.
  const round = Math.floor(index / COLORS.length);
  return { color: COLORS[slot]!, dash: DASHES[(slot + round) % DASHES.length]! };
}
