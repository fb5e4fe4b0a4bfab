// An RGB pixel buffer with the few drawing operations a line chart needs: lines, filled boxes and 5×7 text.
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphPixels } from './font';
import { encodePng } from './png';

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.box(0, 0, width, height, background);
  }

  dot(x: number, y: number, color: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    this.pixels.set(color, (py * this.width + px) * 3);
  }

  box(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let py = y; py < y + h; py++) for (let px = x; px < x + w; px++) this.dot(px, py, color);
  }

  /** A straight line, `thickness` pixels wide (a square brush stamped along it). */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = Math.floor(thickness / 2);
    for (let i = 0; i <= steps; i++) {
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      this.box(Math.round(x) - half, Math.round(y) - half, thickness, thickness, color);
    }
  }

  text(x: number, y: number, text: string, color: Rgb, scale = 1): void {
    [...text].forEach((char, i) => {
      const left = x + i * (GLYPH_WIDTH + 1) * scale;
      for (const [gx, gy] of glyphPixels(char))
        this.box(left + gx * scale, y + gy * scale, scale, scale, color);
    });
  }

  static textWidth(text: string, scale = 1): number {
    return text.length * (GLYPH_WIDTH + 1) * scale - scale;
  }

  static textHeight(scale = 1): number {
    return GLYPH_HEIGHT * scale;
  }

  png(): Buffer {
    return encodePng(this.width, this.height, this.pixels);
  }
}
