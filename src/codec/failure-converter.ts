// Loaded by path (DataConverter.failureConverterPath) in the client, the worker and the workflow bundle, and only when
// encryption is on: a failure's message and stack trace are plain strings in history unless they are moved into
// `encodedAttributes`, a payload the codec encrypts. Flinks error messages can carry a login's details.
// It must stay sandbox-safe: the workflow bundle includes it.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
