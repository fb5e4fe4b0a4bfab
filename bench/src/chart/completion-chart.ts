// The benchmark's chart: cards whose night is over against seconds since the start, one line per run (the
// product and the bare baseline), so where the product falls behind shows as a gap between the lines.
import { Canvas, type Rgb } from './canvas';

export interface CompletionSeries {
  label: string;
  color: Rgb;
  /** Ms after the run's start at which each card finished (any order). */
  endsMs: readonly number[];
}

const WIDTH = 900;
const HEIGHT = 520;
const MARGIN = { left: 80, right: 30, top: 50, bottom: 60 };
const INK: Rgb = [40, 40, 40];
const GRID: Rgb = [225, 225, 225];
const PAPER: Rgb = [255, 255, 255];

export const PRODUCT_COLOR: Rgb = [31, 119, 180];
export const BASELINE_COLOR: Rgb = [255, 127, 14];

export function completionChart(title: string, series: readonly CompletionSeries[], cards: number): Buffer {
  const canvas = new Canvas(WIDTH, HEIGHT, PAPER);
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    w: WIDTH - MARGIN.left - MARGIN.right,
    h: HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const maxSeconds = Math.max(1, ...series.flatMap((s) => s.endsMs.map((ms) => ms / 1000)));
  const xStep = niceStep(maxSeconds / 6);
  const xMax = Math.ceil(maxSeconds / xStep) * xStep;
  const yStep = niceStep(Math.max(1, cards) / 5);
  const yMax = Math.max(yStep, Math.ceil(cards / yStep) * yStep);
  const toX = (seconds: number): number => plot.x + (seconds / xMax) * plot.w;
  const toY = (count: number): number => plot.y + plot.h - (count / yMax) * plot.h;

  for (let s = 0; s <= xMax + 1e-9; s += xStep) {
    canvas.line(toX(s), plot.y, toX(s), plot.y + plot.h, GRID);
    const label = formatTick(s);
    canvas.text(toX(s) - Canvas.textWidth(label) / 2, plot.y + plot.h + 8, label, INK);
  }
  for (let c = 0; c <= yMax; c += yStep) {
    canvas.line(plot.x, toY(c), plot.x + plot.w, toY(c), GRID);
    const label = formatTick(c);
    canvas.text(plot.x - 8 - Canvas.textWidth(label), toY(c) - 3, label, INK);
  }
  canvas.line(plot.x, plot.y, plot.x, plot.y + plot.h, INK);
  canvas.line(plot.x, plot.y + plot.h, plot.x + plot.w, plot.y + plot.h, INK);

  for (const { color, endsMs } of series) {
    const ends = [...endsMs].sort((a, b) => a - b);
    let previous: [number, number] = [toX(0), toY(0)];
    ends.forEach((ms, i) => {
      const point: [number, number] = [toX(ms / 1000), toY(i + 1)];
      // Many cards end within one pixel: draw only where the line moves.
      if (Math.abs(point[0] - previous[0]) < 1 && Math.abs(point[1] - previous[1]) < 1 && i < ends.length - 1)
        return;
      canvas.line(previous[0], previous[1], point[0], point[1], color, 2);
      previous = point;
    });
  }

  canvas.text((WIDTH - Canvas.textWidth(title, 2)) / 2, 16, title, INK, 2);
  const xTitle = 'seconds since the start';
  canvas.text(plot.x + (plot.w - Canvas.textWidth(xTitle)) / 2, HEIGHT - 22, xTitle, INK);
  canvas.text(8, plot.y - 16, 'cards done', INK);
  series.forEach(({ label, color }, i) => {
    const y = plot.y + 12 + i * 16;
    canvas.box(plot.x + 14, y, 18, 4, color);
    canvas.text(plot.x + 40, y - 1, label, INK);
  });
  return canvas.png();
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-9)));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
