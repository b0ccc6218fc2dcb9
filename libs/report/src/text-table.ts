/** Column-aligned plain-text tables with optional ANSI colour. */

export type AnsiStyle = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const ANSI_CODES: Record<AnsiStyle, string> = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
};
const ANSI_RESET = '\u001b[0m';

export function paint(text: string, style: AnsiStyle | undefined, color: boolean): string {
  return color && style ? `${ANSI_CODES[style]}${text}${ANSI_RESET}` : text;
}

export interface TextColumn {
  header: string;
  align: 'left' | 'right';
  /**
   * May be cut (with `…`) when the table is wider than the output; columns
   * with a higher priority are cut first (then the widest of them).
   */
  shrinkPriority?: number;
}

export interface TextCell {
  text: string;
  style?: AnsiStyle;
}

export interface TableOptions {
  indent: string;
  /** Maximum line width in characters. */
  width: number;
  color: boolean;
}

const COLUMN_GAP = '  ';
const MIN_SHRUNK_WIDTH = 6;

/** Terminal width of a string without escape codes (every character we emit is one column wide). */
export function visibleLength(text: string): number {
  return [...text].length;
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** Renders a table as lines: header, a rule, then one line per row. */
export function renderTable(columns: readonly TextColumn[], rows: readonly (string | TextCell)[][], options: TableOptions): string[] {
  const cells: TextCell[][] = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths = columns.map((column, index) =>
    Math.max(visibleLength(column.header), ...cells.map((row) => visibleLength(row[index]?.text ?? ''))),
  );
  shrinkToFit(columns, widths, options.width - visibleLength(options.indent));

  const line = (texts: readonly TextCell[]): string =>
    options.indent +
    columns
      .map((column, index) => {
        const cell = texts[index] ?? { text: '' };
        const text = pad(cut(cell.text, widths[index]!), widths[index]!, column.align);
        return paint(text, cell.style, options.color);
      })
      .join(COLUMN_GAP)
      .trimEnd();

  const header = line(columns.map((column) => ({ text: column.header, style: 'bold' as const })));
  const rule = options.indent + widths.map((width) => '─'.repeat(width)).join(COLUMN_GAP);
  return [header, paint(rule, 'dim', options.color), ...cells.map(line)];
}

function shrinkToFit(columns: readonly TextColumn[], widths: number[], available: number): void {
  const total = (): number => widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * (widths.length - 1);
  while (total() > available) {
    let chosen = -1;
    columns.forEach((column, index) => {
      const priority = column.shrinkPriority;
      if (priority === undefined || widths[index]! <= MIN_SHRUNK_WIDTH) return;
      const chosenPriority = chosen < 0 ? -Infinity : columns[chosen]!.shrinkPriority!;
      if (priority > chosenPriority || (priority === chosenPriority && widths[index]! > widths[chosen]!)) chosen = index;
    });
    if (chosen < 0) return; // nothing left to shrink: the terminal will wrap
    widths[chosen] = widths[chosen]! - 1;
  }
}
