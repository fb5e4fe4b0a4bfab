// The workflow bundle's entry: every workflow type the worker registers.
export { cardLifecycle } from './card-lifecycle';
export { nightlyRoutine } from './nightly-routine';
