// Redraws the card table in place when something changed (a terminal), or prints it again (a pipe, --verbose),
// polling visibility once a second. Never logs: the table is the default output.
import { type FlinksRefreshClient } from '../client';
import { type CardTableInput, renderCardTable } from './card-table';

export interface LiveTableOptions {
  cards: FlinksRefreshClient;
  write: (text: string) => void;
  /** In place (ANSI cursor moves) or appended. */
  redraw: boolean;
  scenarios?: () => Promise<ReadonlyMap<string, string>>;
  footer?: () => string | undefined;
  intervalMs?: number;
}

export interface LiveTable {
  /** Reads and shows the table now (if it changed). */
  refresh(): Promise<void>;
  stop(): void;
}

const PAGE = 100;

export function startLiveTable(options: LiveTableOptions): LiveTable {
  let shown = '';
  let shownLines = 0;
  let busy = false;
  let stopped = false;

  const refresh = async (): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      const input = await read(options);
      const text = renderCardTable(input);
      if (text === shown || stopped) return;
      // Cursor to the start of the previous table, clear to the end of the screen, draw again.
      const erase = options.redraw && shownLines > 0 ? `\x1b[${shownLines}F\x1b[0J` : '';
      options.write(`${erase}${options.redraw ? '' : '\n'}${text}\n`);
      shown = text;
      shownLines = text.split('\n').length;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 1_000);
  return {
    refresh,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

async function read(options: LiveTableOptions): Promise<CardTableInput> {
  const footer = options.footer?.();
  try {
    const page = await options.cards.listCards({ pageSize: PAGE });
    const scenarios = await options.scenarios?.();
    return { cards: page.cards, more: page.nextPageToken !== null, scenarios, footer };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { cards: [], more: false, footer: `Cannot read the cards right now (${reason}); retrying.` };
  }
}
