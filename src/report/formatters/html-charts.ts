/** Inline SVG bar charts for the HTML report: no script, no network, every label escaped. */

export interface Bar {
  label: string;
  value: number;
  /** Extra class for the bar (e.g. "late" for delays over the limit). */
  tone?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values for HTML and SVG: every character that could open markup is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

const shorten = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);

/** Horizontal bars, one labelled row each (findings per agent, by rule). */
export function horizontalBars(title: string, bars: readonly Bar[], emptyText: string): string {
  if (bars.length === 0) return `<p class="empty">${escapeHtml(emptyText)}</p>`;
  const row = 22;
  const labelWidth = 170;
  const barWidth = 260;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * row + 4;
  const rows = bars.map((b, i) => {
    const y = i * row + 2;
    const w = Math.max(1, Math.round((b.value / max) * barWidth));
    return (
      `<g><title>${escapeHtml(`${b.label}: ${b.value}`)}</title>` +
      `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(shorten(b.label, 24))}</text>` +
      `<rect class="bar${b.tone ? ` ${b.tone}` : ''}" x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 6}"/>` +
      `<text x="${labelWidth + w + 4}" y="${y + 15}">${b.value}</text></g>`
    );
  });
  return `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${labelWidth + barWidth + 50} ${height}" width="100%">${rows.join('')}</svg>`;
}

/** Vertical bars over ordered bins (score distribution, reply delays), with an optional marker line. */
export function columns(title: string, bars: readonly Bar[], marker?: { atBar: number; label: string }): string {
  const width = 480;
  const height = 190;
  const bottom = 150;
  const left = 30;
  const step = (width - left - 10) / Math.max(1, bars.length);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const parts: string[] = [`<line class="axis" x1="${left}" y1="${bottom}" x2="${width - 10}" y2="${bottom}"/>`];
  parts.push(`<text x="${left - 4}" y="14" text-anchor="end">${max}</text>`);
  bars.forEach((b, i) => {
    const h = Math.round((b.value / max) * (bottom - 20));
    const x = left + i * step;
    parts.push(
      `<g><title>${escapeHtml(`${b.label}: ${b.value}`)}</title>` +
        `<rect class="bar${b.tone ? ` ${b.tone}` : ''}" x="${(x + 2).toFixed(1)}" y="${bottom - h}" width="${Math.max(1, step - 4).toFixed(1)}" height="${h}"/></g>`,
    );
    // Every label when they fit, else every other one.
    if (bars.length <= 12 || i % 2 === 0) {
      parts.push(`<text class="tick" x="${(x + step / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(b.label)}</text>`);
    }
  });
  if (marker) {
    const x = (left + marker.atBar * step).toFixed(1);
    parts.push(`<line class="limit" x1="${x}" y1="10" x2="${x}" y2="${bottom}"/>`);
    parts.push(`<text class="limit-label" x="${x}" y="${bottom + 34}" text-anchor="middle">${escapeHtml(marker.label)}</text>`);
  }
  return `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="100%">${parts.join('')}</svg>`;
}

/** Scores in ten bins: 0–9, 10–19, …, 90–100 (scaled to the scoring base). */
export function scoreBins(scores: Iterable<number>, base: number): Bar[] {
  const bins = Array.from({ length: 10 }, (_, i) => ({ label: `${Math.round((i * base) / 10)}`, value: 0 }));
  for (const score of scores) (bins[scoreBinOf(score, base)] as Bar).value++;
  return bins;
}

/** The bin of scoreBins a score falls in. */
export function scoreBinOf(score: number, base: number): number {
  return Math.min(9, Math.max(0, Math.floor((score / base) * 10)));
}

/**
 * Reply delays in bins a quarter of the limit wide, up to three times the limit, then one bin for the rest;
 * bins past the limit are marked late. Without a limit, 15-second bins up to two minutes.
 */
export function delayBins(delays: Iterable<number>, limit: number | null, unit: string): { bars: Bar[]; limitAt: number | null } {
  const { width, count } = delayScale(limit);
  const fmt = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(1)}`;
  const bars: Bar[] = Array.from({ length: count + 1 }, (_, i) => ({
    label: i < count ? `${fmt(i * width)}` : `>${fmt(count * width)}${unit}`,
    value: 0,
    tone: limit !== null && i >= 4 ? 'late' : undefined,
  }));
  for (const d of delays) (bars[delayBinOf(d, limit)] as Bar).value++;
  return { bars, limitAt: limit !== null ? 4 : null };
}

const delayScale = (limit: number | null) => ({ width: limit !== null ? limit / 4 : 15, count: limit !== null ? 12 : 8 });

/** The bar of delayBins a delay falls in. */
export function delayBinOf(delay: number, limit: number | null): number {
  const { width, count } = delayScale(limit);
  // A delay exactly at the limit is in time (the rule's "above maxSeconds"), so it stays left of the line.
  const i = delay > 0 && Number.isInteger(delay / width) ? delay / width - 1 : Math.floor(delay / width);
  return Math.min(count, Math.max(0, i));
}
