import { escapeHtml as esc } from '../alerts/render/html-escape';

/**
 * A small bar chart as inline SVG, drawn on the server: no script, no image request, nothing for a
 * strict Content-Security-Policy to block. Each bar has a `<title>` (the browser's tooltip) and the
 * chart an accessible name; every label is escaped.
 */

export interface Bar {
  /** Tooltip and accessible text, e.g. `03-14：12 則`. */
  label: string;
  value: number;
  /** Highlight (today's bar). */
  current?: boolean;
}

/** Bars left to right in a `widthPx` × `heightPx` box; the tallest bar fills the height. */
export function barChartSvg(bars: readonly Bar[], options: { title: string; widthPx?: number; heightPx?: number }): string {
  const width = options.widthPx ?? 280;
  const height = options.heightPx ?? 56;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = bars.length > 0 ? width / bars.length : width;
  const gap = Math.min(2, slot * 0.2);
  const rects = bars
    .map((b, i) => {
      const h = b.value === 0 ? 1 : Math.max(2, Math.round((b.value / max) * (height - 2)));
      const x = (i * slot + gap / 2).toFixed(1);
      const cls = b.value === 0 ? 'bar-zero' : b.current ? 'bar-today' : 'bar';
      return `<rect class="${cls}" x="${x}" y="${height - h}" width="${(slot - gap).toFixed(1)}" height="${h}"><title>${esc(b.label)}</title></rect>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${esc(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`;
}
