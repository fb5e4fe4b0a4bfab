export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}
