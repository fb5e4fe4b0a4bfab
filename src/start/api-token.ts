// API_TOKEN for `npm start` when the environment has none: generated once and kept (0600) in the data folder,
// so the curl commands from the last run keep working.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const API_TOKEN_FILE = 'api-token';

export async function demoApiToken(
  dataDir: string,
): Promise<{ token: string; source: 'file' | 'generated' }> {
  const path = join(dataDir, API_TOKEN_FILE);
  try {
    const saved = (await readFile(path, 'utf8')).trim();
    if (saved.length >= 16) return { token: saved, source: 'file' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return { token, source: 'generated' };
}
