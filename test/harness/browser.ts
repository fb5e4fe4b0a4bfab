// Debian's Chromium, headless, for what a person sees in a browser: a page's DOM once its scripts have run and its
// requests have answered. `.ci/run` installs the package where a machine lacks it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, tail } from '../../src/temporal/exec';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export class BrowserError extends Error {
  override readonly name = 'BrowserError';
}

/** Why no browser test can run here, or null. */
export function browserUnavailableReason(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `no Chromium at ${CHROMIUM} (apt-get install chromium, or CHROMIUM_PATH)`;
}

/**
 * The page's DOM after `budgetMs` of virtual time, which Chromium lets pass only while no request is pending, so a
 * single-page app has fetched and rendered its data. A fresh profile every time; background traffic is off, since
 * these machines reach no outside host.
 */
export async function renderedDom(url: string, budgetMs = 20_000): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-'));
  try {
    // coreutils' timeout: a browser that hangs fails the test with its output rather than holding it.
    const result = await runCommand('timeout', [
      '--kill-after=5',
      String(Math.ceil(budgetMs / 1_000) + 60),
      CHROMIUM,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--virtual-time-budget=${budgetMs}`,
      '--dump-dom',
      url,
    ]);
    if (result.code !== 0) {
      throw new BrowserError(
        `chromium exited ${result.code ?? result.signal} on ${url}:\n${tail(result.stderr)}`,
      );
    }
    return result.stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The words a person would read on the page: the DOM without its scripts, styles and tags, for failure messages. */
export function visibleText(dom: string, maxChars = 1_500): string {
  return dom
    .replace(/<(script|style|title)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxChars);
}
