// What every cluster suite starts with: skip (and say why) where the cluster cannot run, and a start timeout long
// enough for the harness to build missing Go programs itself (minutes on a cold machine; normally `npm run tools`
// did).
import { clusterUnavailableReason } from '../../tools/cluster/availability';

export const CLUSTER_START_TIMEOUT_MS = 15 * 60_000;

const unavailable = clusterUnavailableReason();
if (unavailable) process.stderr.write(`[cluster] skipped: ${unavailable}\n`);

/** `describe`, or `describe.skip` where no cluster can start here. */
export const describeOnCluster: jest.Describe = unavailable ? describe.skip : describe;
