import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type DataRecord, type DataSink } from './data-sink';
import { DataSinkError } from './data-sink-error';
import { serializeRecord } from './serialize-record';

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * The embedded default: `<dir>/<loginId>/<fetchedAt>-<requestId>.json`, one file per login per refresh,
 * holding the whole record. `fetchedAt` is written as ISO UTC with ':' replaced by '-' (portable file
 * names). Written to a temp file, fsynced and renamed, so readers never see half a file. A requestId
 * already stored (a retried activity) returns the existing file instead of writing a second one.
 * Files are 0600 and directories 0700: they hold bank data.
 */
export class DirectorySink implements DataSink {
  private readonly dir: string;
  // Serialises writes of the same requestId inside this process, so two concurrent retries cannot both
  // miss the existing-file check.
  private readonly inFlight = new Map<string, Promise<{ location: string }>>();

  constructor(dir: string) {
    if (!dir) throw new TypeError('DirectorySink: dir is required');
    this.dir = path.resolve(dir);
  }

  async write(record: DataRecord): Promise<{ location: string }> {
    const loginId = safeSegment('loginId', record.loginId);
    const requestId = safeSegment('requestId', record.requestId);
    const stamp = fileTimestamp(record.fetchedAt);
    const json = serializeRecord(record, 'DirectorySink');
    const key = `${loginId}/${requestId}`;
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.writeOnce(json, loginId, requestId, stamp))
      .finally(() => {
        if (this.inFlight.get(key) === next) this.inFlight.delete(key);
      });
    this.inFlight.set(key, next);
    return await next;
  }

  private async writeOnce(
    json: string,
    loginId: string,
    requestId: string,
    stamp: string,
  ): Promise<{ location: string }> {
    const loginDir = path.join(this.dir, loginId);
    try {
      await mkdir(loginDir, { recursive: true, mode: 0o700 });
      const existing = (await readdir(loginDir)).find(
        (name) => !name.startsWith('.') && name.endsWith(`-${requestId}.json`),
      );
      if (existing !== undefined) return { location: path.join(loginDir, existing) };

      const finalPath = path.join(loginDir, `${stamp}-${requestId}.json`);
      const tempPath = path.join(loginDir, `.${requestId}.${randomUUID()}.tmp`);
      try {
        const handle = await open(tempPath, 'wx', 0o600);
        try {
          await handle.writeFile(json);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
      await syncDirectory(loginDir);
      return { location: finalPath };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      throw new DataSinkError(
        `DirectorySink: could not store requestId ${requestId} for loginId ${loginId} (${code})`,
        {
          retryable: code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS',
          cause: error,
        },
      );
    }
  }
}

/** Makes the rename durable; some platforms cannot fsync a directory, which is harmless to skip. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

function safeSegment(name: string, value: string): string {
  if (typeof value !== 'string' || !SAFE_SEGMENT.test(value) || value.includes('..')) {
    throw new DataSinkError(`DirectorySink: ${name} is not a safe file-name segment`, { retryable: false });
  }
  return value;
}

function fileTimestamp(fetchedAt: string): string {
  const ms = typeof fetchedAt === 'string' ? Date.parse(fetchedAt) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new DataSinkError('DirectorySink: fetchedAt must be an ISO-8601 timestamp', { retryable: false });
  }
  return new Date(ms).toISOString().replace(/:/g, '-');
}
