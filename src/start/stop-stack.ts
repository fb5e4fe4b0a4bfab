// Everything `npm start` starts registers how to stop it; shutdown runs those in reverse order (the API before the
// workers, the workers before their connections, the Temporal server last), each step even if one before failed.

export interface StopStep {
  name: string;
  stop: () => Promise<void> | void;
}

export class StopStack {
  private readonly steps: StopStep[] = [];

  push(name: string, stop: StopStep['stop']): void {
    this.steps.push({ name, stop });
  }

  /** Stops everything, newest first; reports each step and returns the failures. */
  async unwind(report: (name: string, error?: unknown) => void): Promise<unknown[]> {
    const failures: unknown[] = [];
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.stop();
        report(step.name);
      } catch (error) {
        failures.push(error);
        report(step.name, error);
      }
    }
    return failures;
  }
}
