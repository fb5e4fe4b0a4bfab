// What the live-login tests share: a connected card, the simulator's count of its live logins, and a Refresh press
// under injected faults that gives up as soon as a second live Authorize reaches Flinks.
import { type RefreshNowResult } from '../../src/domain/card-messages';
import { type Faults } from '../../src/simulator';
import { cardHandle, type RoutineWorld } from '../routine/routine-world';

export const SECOND_AUTHORIZE = 'sent a second live Authorize' as const;

export async function connectedCard(world: RoutineWorld): Promise<string> {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  // A press here may outwait the heartbeat timeout (a 65 s Authorize): give it longer than refreshNow's 60 s bound.
  await world.cards.connect(loginId, {
    institution: 'FlinksCapital',
    policy: { refreshNowAnswerWithinMs: 180_000 },
  });
  return loginId;
}

/** Live Authorize requests the simulator received for the card, and the bank logins among them, per night. */
export async function liveLogins(
  world: RoutineWorld,
  loginId: string,
): Promise<{ authorizes: number; loginsPerNight: number[] }> {
  const counters = await world.sim.admin.counters();
  return {
    authorizes: counters.byCard[loginId]?.['authorize-live'] ?? 0,
    loginsPerNight: Object.values(counters.liveRefreshesByCardAndNight[loginId] ?? {}),
  };
}

/**
 * Presses Refresh under `faults` (and runs `meanwhile` while it is pending); settles as soon as the refresh answers or
 * a second live Authorize reaches Flinks, so a regression fails in seconds instead of waiting out every retry.
 */
export async function refreshUnder(
  world: RoutineWorld,
  loginId: string,
  faults: Faults,
  meanwhile: () => Promise<void> = async () => undefined,
): Promise<{ result: RefreshNowResult | typeof SECOND_AUTHORIZE; ms: number }> {
  await world.sim.admin.setFaults(faults);
  const started = Date.now();
  let done = false;
  try {
    const secondAuthorize = (async () => {
      while (!done && (await liveLogins(world, loginId)).authorizes < 2) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return SECOND_AUTHORIZE;
    })();
    const refresh = world.cards.refreshNow(loginId);
    await meanwhile();
    const result = await Promise.race([refresh, secondAuthorize]);
    if (result === SECOND_AUTHORIZE) {
      // Ends the refresh still waiting (its retries would outlive the test's Temporal connection).
      await cardHandle(world, loginId).terminate('the test has seen a second live Authorize');
      await refresh.catch(() => undefined);
    }
    return { result, ms: Date.now() - started };
  } finally {
    done = true;
    await world.sim.admin.clearFaults();
  }
}
