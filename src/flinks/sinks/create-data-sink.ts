// The sink the configuration asks for: an HTTP POST when a URL is set, else files in a directory. Shared by the
// worker's activities and the API's webhook route, so both write the same records to the same place.
import { type DataSink } from './data-sink';
import { DirectorySink } from './directory-sink';
import { HttpSink } from './http-sink';

export interface DataSinkSettings {
  dir: string;
  url?: string;
  /** HMAC key of the HTTP sink's signature header (BACKEND_SIGNING_SECRET). */
  signingSecret?: string;
  /** BACKEND_SIGNING_SECRET_PREVIOUS: also signs while set, for a rotation. */
  previousSigningSecret?: string;
}

export function createDataSink(settings: DataSinkSettings): DataSink {
  return settings.url
    ? new HttpSink({
        url: settings.url,
        hmacSecret: settings.signingSecret ?? '',
        previousHmacSecret: settings.previousSigningSecret,
      })
    : new DirectorySink(settings.dir);
}

/** Releases what a sink holds (the HTTP sink's connection pool); nothing for a directory. */
export async function closeDataSink(sink: DataSink): Promise<void> {
  if (sink instanceof HttpSink) await sink.close();
}
