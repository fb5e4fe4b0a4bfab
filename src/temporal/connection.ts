// Connection options from our configuration, shared by the worker (NativeConnection) and clients (Connection).
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { dataConverter } from '../codec/data-converter';
import { type TemporalConfig } from '../config';

/** The subset both `NativeConnection.connect` and `Connection.connect` accept. */
export interface TemporalConnectionOptions {
  address: string;
  /** Undefined lets the SDK decide: plaintext, or TLS when an API key is set (Temporal Cloud). */
  tls?: TLSConfig;
  apiKey?: string;
}

export function connectionOptions(temporal: TemporalConfig): TemporalConnectionOptions {
  const { tls } = temporal;
  const encoder = new TextEncoder();
  return {
    address: temporal.address,
    apiKey: temporal.apiKey,
    tls: tls && {
      serverRootCACertificate:
        tls.serverRootCaPem === undefined ? undefined : encoder.encode(tls.serverRootCaPem),
      clientCertPair:
        tls.clientCertPem !== undefined && tls.clientKeyPem !== undefined
          ? { crt: encoder.encode(tls.clientCertPem), key: encoder.encode(tls.clientKeyPem) }
          : undefined,
    },
  };
}

/** For workers. */
export function connectNative(temporal: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(temporal));
}

/** For client-only processes; close with `client.connection.close()`. Payloads encrypted when the config says so. */
export async function connectClient(temporal: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(temporal));
  return new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverter(temporal) });
}
