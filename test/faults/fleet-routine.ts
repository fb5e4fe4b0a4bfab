// The nightly routine over a fleet, as the fault suites run it: started by hand under a routineId of its own, with
// the shard knobs a suite picks, and the result it must return whatever was done to the system on the way.
import { type NightlyRoutineInput } from '../../src/domain/routine-input';
import { type RoutineWorld, type StartedRoutine, startRoutine } from '../routine/routine-world';
import { type Fleet } from './fleet';

export type ShardKnobs = Pick<
  NightlyRoutineInput,
  'cardsPerShard' | 'pageSize' | 'shardConcurrency' | 'signalConcurrency'
>;

export type FleetRoutine = StartedRoutine;

export function startFleetRoutine(
  world: RoutineWorld,
  name: string,
  knobs: ShardKnobs,
): Promise<FleetRoutine> {
  return startRoutine(world, name, knobs);
}

/** What the routine must return over the whole fleet (for toMatchObject): every card found and signalled once. */
export function fleetRoutineResult(fleet: Fleet, routineId: string) {
  const cards = fleet.loginIds.length;
  return {
    routineId,
    cards,
    signalled: cards,
    ineligible: fleet.listed,
    outcomes: { signalledWithEntry: fleet.listed, signalledWithNull: cards - fleet.listed, gone: 0 },
    listedWithoutCard: { count: 0 },
    failedShards: [],
  };
}
