// What POST /flinks/webhooks takes, as the webhook and HTTP API fuzz suites both judge it: the receiver's own schema
// (a RequestId that is not a GUID-like id, which the sink could not name a file after, is a 400: B2, fixed).
export { detailWebhookSchema } from '../../src/api/webhook-route';
