import { type ApiRequest } from './api-request';
import { type RequestLogEntry } from './counters';
import { type JsonReply } from './responses';
import { type SimWorld } from './world';

export interface HandlerContext {
  world: SimWorld;
  req: ApiRequest;
  /** Virtual now, after the nightly catch-up: one instant for the whole request. */
  now: number;
  entry: RequestLogEntry;
}

/** Synchronous on purpose: state changes of one request never interleave with another's. */
export type Handler = (ctx: HandlerContext) => JsonReply;
