import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type CardState, type Eligibility, eligibility, type SimCard, toSimCard } from './cards';
import { ClockNotOwnedError } from './clock';
import { type RequestLogEntry, type SimCounters } from './counters';
import { type Faults, faultsSchema } from './faults';
import { type NightlyResult } from './nightly';
import { sandboxInstitution, sandboxUsername } from './sandbox';
import { type Scenario, type ScenarioOptions, scenarioOptionsSchema, scenarioSchema } from './scenarios';
import { parseTimeInput, type TimeInput, timeInputSchema } from './time';
import { type SimWorld } from './world';

/** A refused admin call; the HTTP admin API answers with `status`. */
export class SimulatorAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorAdminError';
  }
}

const uuid = z.string().uuid('loginId must be a UUID');

export const createCardSchema = z
  .object({
    loginId: uuid.optional(),
    scenario: scenarioSchema,
    scenarioOptions: scenarioOptionsSchema.optional(),
    institution: z.string().min(1).max(200).optional(),
    username: z.string().min(1).max(200).optional(),
    scheduledRefresh: z.boolean().optional(),
    lastSuccessfulRefreshAt: timeInputSchema.nullable().optional(),
    lastCachedCallAt: timeInputSchema.nullable().optional(),
  })
  .strict();
export type CreateCardInput = z.input<typeof createCardSchema>;

export const setScenarioSchema = z.object({ scenario: scenarioSchema, options: scenarioOptionsSchema.optional() }).strict();
export const reconnectSchema = z.object({ requestId: z.string().min(1).optional() }).strict();
const advanceClockSchema = z.object({ advanceMs: z.number().int().min(0) }).strict();
const setClockSchema = z.object({ now: timeInputSchema }).strict();
export const clockChangeSchema = z.union([advanceClockSchema, setClockSchema]);

export type SimCardView = SimCard & Eligibility;

export interface ClockView {
  now: string;
  nowMs: number;
  /** False when the `clock` option was given: then only its owner can move it. */
  owned: boolean;
}

export interface NightlyRun {
  ranAt: string;
  results: NightlyResult[];
}

/** Parses admin input; a violation is a 400 naming the field. */
export function validate<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new SimulatorAdminError(400, `${where}${issue?.message ?? 'invalid input'}`);
}

function timeOrNow(input: TimeInput | null | undefined, now: number): number | null {
  if (input === undefined) return now;
  return input === null ? null : parseTimeInput(input);
}

/** Test, demo and bench control of the simulator. The HTTP admin API calls exactly these. */
export class SimAdmin {
  constructor(private readonly world: SimWorld) {}

  /** A card as if just connected: a successful refresh and a cached call "now", unless given. */
  async createCard(input: CreateCardInput): Promise<SimCardView> {
    const body = validate(createCardSchema, input);
    const now = await this.world.sync();
    const loginId = body.loginId ?? randomUUID();
    if (this.world.cards.get(loginId) !== undefined) throw new SimulatorAdminError(409, `card ${loginId} already exists`);
    const lastSuccess = timeOrNow(body.lastSuccessfulRefreshAt, now);
    const card: CardState = {
      loginId,
      scenario: body.scenario,
      scenarioOptions: body.scenarioOptions ?? {},
      institution: body.institution ?? sandboxInstitution,
      username: body.username ?? sandboxUsername,
      scheduledRefresh: body.scheduledRefresh ?? true,
      createdAt: now,
      lastSuccessfulRefreshAt: lastSuccess,
      lastCachedCallAt: timeOrNow(body.lastCachedCallAt, now),
      lastRefreshAttemptAt: lastSuccess,
      lastRefreshState: lastSuccess === null ? null : 'Completed',
      lastError: null,
      forcedNight: null,
    };
    this.world.cards.add(card);
    return this.view(card, now);
  }

  async getCard(loginId: string): Promise<SimCardView> {
    const now = await this.world.sync();
    return this.view(this.card(loginId), now);
  }

  async listCards(): Promise<SimCardView[]> {
    const now = await this.world.sync();
    return this.world.cards.list().map((card) => this.view(card, now));
  }

  async setScenario(loginId: string, scenario: Scenario, options?: ScenarioOptions): Promise<SimCardView> {
    const body = validate(setScenarioSchema, { scenario, options });
    const now = await this.world.sync();
    const card = this.card(loginId);
    card.scenario = body.scenario;
    card.scenarioOptions = body.options ?? {};
    return this.view(card, now);
  }

  /**
   * What Flinks Connect does when the user answers MFA in the iframe: the session of `requestId`
   * (from a 203), else the card's pending live session, else a new one, becomes authorized.
   */
  async completeUserReconnect(loginId: string, requestId?: string): Promise<{ requestId: string }> {
    validate(reconnectSchema, { requestId });
    const now = await this.world.sync();
    const card = this.card(loginId);
    const { sessions } = this.world;
    let session = requestId === undefined ? sessions.inProgress(card.loginId, now) : sessions.find(requestId, now);
    if (requestId !== undefined && session === undefined) {
      throw new SimulatorAdminError(404, `requestId ${requestId} does not exist or has expired`);
    }
    if (session !== undefined && session.loginId.toLowerCase() !== card.loginId.toLowerCase()) {
      throw new SimulatorAdminError(400, `requestId ${requestId ?? ''} belongs to another card`);
    }
    session ??= sessions.create(
      {
        loginId: card.loginId,
        mode: 'live',
        state: 'authorized',
        challenge: null,
        pollsBeforeReady: this.world.pollsBeforeReady(card),
        dispatchOnFirstCall: card.scenario === 'slow',
      },
      now,
    );
    session.mode = 'live';
    session.state = 'authorized';
    session.delivered = false;
    sessions.touch(session, now);
    return { requestId: session.requestId };
  }

  async setFaults(faults: Faults): Promise<Faults> {
    const parsed = validate(faultsSchema, faults);
    await this.world.sync();
    this.world.faults.set(parsed);
    return this.world.faults.current();
  }

  async clearFaults(): Promise<Faults> {
    await this.world.sync();
    this.world.faults.clear();
    return this.world.faults.current();
  }

  async clock(): Promise<ClockView> {
    return this.clockView(await this.world.sync());
  }

  async advanceClock(ms: number): Promise<ClockView> {
    const { advanceMs } = validate(advanceClockSchema, { advanceMs: ms });
    await this.world.sync();
    this.moveClock(() => this.world.clock.advance(advanceMs));
    return this.clockView(await this.world.sync());
  }

  /** Sets an owned clock; moving forward lets the nights in between happen, moving back re-arms them. */
  async setClock(isoOrMs: string | number): Promise<ClockView> {
    const { now } = validate(setClockSchema, { now: isoOrMs });
    await this.world.sync();
    const target = parseTimeInput(now);
    this.moveClock(() => this.world.clock.set(target));
    this.world.nightly.rewind(target);
    return this.clockView(await this.world.sync());
  }

  /** Forces tonight's nightly job now (demo clock); each card's next slot is then skipped. */
  async runNightlyJob(): Promise<NightlyRun> {
    const now = await this.world.sync();
    return { ranAt: new Date(now).toISOString(), results: this.world.nightly.runNow(now) };
  }

  async counters(): Promise<SimCounters> {
    await this.world.sync();
    return this.world.counters.snapshot();
  }

  async resetCounters(): Promise<SimCounters> {
    await this.world.sync();
    this.world.counters.reset();
    return this.world.counters.snapshot();
  }

  async requestLog(): Promise<RequestLogEntry[]> {
    await this.world.sync();
    return this.world.counters.log();
  }

  private moveClock(move: () => number): void {
    try {
      move();
    } catch (error) {
      if (error instanceof ClockNotOwnedError) throw new SimulatorAdminError(409, error.message);
      throw error;
    }
  }

  private clockView(now: number): ClockView {
    return { now: new Date(now).toISOString(), nowMs: now, owned: this.world.clock.owned };
  }

  private card(loginId: string): CardState {
    const card = this.world.cards.get(loginId);
    if (card === undefined) throw new SimulatorAdminError(404, `no card ${loginId}`);
    return card;
  }

  private view(card: CardState, now: number): SimCardView {
    return { ...toSimCard(card), ...eligibility(card, now, { webhooks: this.world.options.webhooks }) };
  }
}
