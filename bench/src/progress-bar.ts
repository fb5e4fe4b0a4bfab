// A progress bar on stderr, so stdout keeps only the results table. On a terminal it redraws one line; in a log
// (CI, the smoke test) it prints a line every tenth of the way instead of flooding it.

export class ProgressBar {
  private readonly started = Date.now();
  private lastTenth = -1;
  private drawn = false;
  private lastDone = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, note = ''): void {
    this.lastDone = done;
    const shown = Math.min(done, this.total);
    const fraction = this.total === 0 ? 1 : shown / this.total;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const text = `${this.label} ${shown}/${this.total} ${seconds} s${note ? ` ${note}` : ''}`;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.stream.write(`${text}\n`);
    }
  }

  /** Draws the last state once more (always printed, terminal or not) and ends the line. */
  finish(note = ''): void {
    this.lastTenth = -1;
    this.update(this.lastDone, note);
    if (this.drawn) this.stream.write('\n');
  }
}
