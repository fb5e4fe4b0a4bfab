// Reads the executables the global setup resolved, or resolves them here when a suite runs without it.
import { type EphemeralServerExecutable } from '@temporalio/testing';
import { temporalCliExecutable, testServerExecutable } from '../../src/temporal/binaries';
import { HARNESS_ENV } from './env-keys';

function fromEnv(variable: string): EphemeralServerExecutable | undefined {
  const json = process.env[variable];
  return json ? (JSON.parse(json) as EphemeralServerExecutable) : undefined;
}

const log = (line: string): void => void process.stderr.write(`[tools] ${line}\n`);

export async function devServerExecutable(): Promise<EphemeralServerExecutable> {
  return fromEnv(HARNESS_ENV.devServerExecutable) ?? temporalCliExecutable({ log });
}

export async function timeSkippingExecutable(): Promise<EphemeralServerExecutable> {
  return fromEnv(HARNESS_ENV.timeSkippingExecutable) ?? testServerExecutable({ log });
}
