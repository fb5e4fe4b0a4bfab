// The one line each fault suite prints about what it tried, so every run, green or red, says how hard it pushed.
// A suite fills its report in as it goes and prints it in afterAll, whatever happened.
import { type SimCounters, type Simulator } from '../../src/simulator';

export interface FaultReport {
  suite: string;
  /** What was done to the system: `5 worker SIGKILLs survived`, `2 server restarts survived`… */
  disruptions: string;
  faultsInjected: SimCounters['faultsInjected'];
  cards: number;
  /** Unknown until the cards have been checked. */
  cardsLost: number | null;
  startedAt: number;
  /** Anything else worth a figure (task timeouts, retries…). */
  notes: string[];
  /** Moments of the run, shown as seconds since `startedAt`. */
  timeline: [string, number][];
  /** Records a moment of the run. */
  mark(what: string): void;
}

export function faultReport(suite: string, cards: number): FaultReport {
  const report: FaultReport = {
    suite,
    disruptions: 'nothing done yet',
    faultsInjected: {},
    cards,
    cardsLost: null,
    startedAt: Date.now(),
    notes: [],
    timeline: [],
    mark: (what) => void report.timeline.push([what, Date.now()]),
  };
  return report;
}

export function formatFaultReport(report: FaultReport): string {
  const faults = Object.entries(report.faultsInjected)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const parts = [
    report.disruptions,
    `faults injected: ${faults || 'none'}`,
    `${report.cards} cards`,
    `${report.cardsLost ?? 'unknown (not checked)'} cards lost`,
    `${seconds(Date.now() - report.startedAt)} in all`,
    ...report.notes,
    ...(report.timeline.length > 0
      ? [
          `timeline: ${report.timeline.map(([what, at]) => `${what} +${seconds(at - report.startedAt)}`).join(', ')}`,
        ]
      : []),
  ];
  return `[faults] ${report.suite}: ${parts.join('; ')}`;
}

/**
 * Prints the line on stderr, outside jest's console capture, so it shows in every run's output. The faults injected
 * are read from the simulator, so a run that failed half-way still says what it met.
 */
export async function printFaultReport(report: FaultReport, sim: Simulator | undefined): Promise<void> {
  const counters = await sim?.admin.counters().catch(() => undefined);
  if (counters) report.faultsInjected = counters.faultsInjected;
  process.stderr.write(`\n${formatFaultReport(report)}\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}
