// The HTTP API: `createApiServer` for `npm start` and tests, `main` for `npm run api`.
export {
  ApiConfigError,
  type ApiDeps,
  type ApiServer,
  type ApiTimeouts,
  createApiServer,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_WEBHOOK_BODY_LIMIT_BYTES,
} from './server';
export { WEBHOOK_PATH } from './webhook-route';
export { WEBHOOK_TOKEN_HEADER } from './webhook-guard';
export { connectWithRetry } from './connect-with-retry';
export { createConfiguredApiServer } from './configured-server';
