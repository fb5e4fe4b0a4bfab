// Environment variables through which the jest global setup hands the shared servers to suites (jest runs
// --runInBand, and suites start after the global setup, so they see these in process.env).
export const HARNESS_ENV = {
  /** host:port of the shared dev server started by global-setup.ts. */
  devServerAddress: 'TEMPORAL_TEST_ADDRESS',
  devServerNamespace: 'TEMPORAL_TEST_NAMESPACE',
  /** JSON of the resolved dev-server executable, for suites that need a private dev server. */
  devServerExecutable: 'TEMPORAL_TEST_DEV_SERVER_EXECUTABLE',
  /** JSON of the resolved time-skipping server executable (an EphemeralServerExecutable). */
  timeSkippingExecutable: 'TEMPORAL_TEST_TIME_SKIPPING_EXECUTABLE',
} as const;
