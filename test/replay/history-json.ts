// Histories as JSON files. protobufjs' toObject/fromObject rather than the SDK's historyToJSON: the SDK's
// protojson sits on a second copy of protobufjs in this install and refuses @temporalio/proto's types.
import { temporal } from '@temporalio/proto';

const { History } = temporal.api.history.v1;
const JSON_OPTIONS = { longs: String, enums: String, bytes: String } as const;

export function historyToJson(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(History.toObject(History.fromObject(history), JSON_OPTIONS), null, 1);
}

export function historyFromJson(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
