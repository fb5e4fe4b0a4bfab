// GET /healthz (no auth): 200 while the API can reach Temporal, 503 otherwise (for load balancers and compose).
import { TemporalUnavailableError, type FlinksRefreshClient } from '../client';
import { type Route } from './router';

export function healthRoute(cards: FlinksRefreshClient, temporalTimeoutMs: number): Route {
  return {
    method: 'GET',
    path: '/healthz',
    auth: 'none',
    async handle() {
      try {
        await cards.ping(temporalTimeoutMs);
        return { status: 200, body: { status: 'ok', temporal: 'ok' } };
      } catch (error) {
        if (!(error instanceof TemporalUnavailableError)) throw error;
        return { status: 503, body: { status: 'unavailable', temporal: 'unavailable' } };
      }
    },
  };
}
