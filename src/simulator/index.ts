import { SimAdmin } from './admin';
import { resolveOptions, type SimulatorOptions } from './options';
import { listen } from './server';
import { SimWorld } from './world';

export { SimAdmin, SimulatorAdminError, type ClockView, type CreateCardInput, type NightlyRun, type SimCardView } from './admin';
export { type IneligibleReason, type SimCard } from './cards';
export { type ClockSource } from './clock';
export { callKinds, type CallKind, faultKinds, type FaultKind, type RequestLogEntry, type SimCounters } from './counters';
export { type Faults } from './faults';
export { type NightlyResult } from './nightly';
export { type SimulatorOptions } from './options';
export { sandboxCustomerId, sandboxInstitution, sandboxQuestions, sandboxUsername } from './sandbox';
export { scenarios, type Scenario, type ScenarioOptions } from './scenarios';

export interface Simulator {
  /** `http://127.0.0.1:PORT/v3/<customerId>/BankingServices`: the FLINKS_BASE_URL. */
  baseUrl: string;
  /** `http://127.0.0.1:PORT/admin` */
  adminUrl: string;
  port: number;
  /** The in-process admin API: the same functions the HTTP admin routes call. */
  admin: SimAdmin;
  /** Stops listening, cuts hung requests and destroys every socket. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const resolved = resolveOptions(options);
  const world = await SimWorld.create(resolved);
  const admin = new SimAdmin(world);
  const server = await listen(world, admin, resolved);
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const origin = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${server.port}`;
  return {
    baseUrl: `${origin}/v3/${resolved.customerId}/BankingServices`,
    adminUrl: `${origin}/admin`,
    port: server.port,
    admin,
    close: () => server.close(),
  };
}
