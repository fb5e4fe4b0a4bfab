// A backend and a worker deployment that know only the public contract (/work/shared/contract.md): the contract's
// variables, a task queue of the backend's own, and cards started with a plain @temporalio/client by the contract's
// workflow name and input (no product code on the backend's side). Used on the dev server and on the cluster.
import { type Client, type WorkflowHandle } from '@temporalio/client';
import { spawnWorkerProcess, type WorkerProcess } from './worker-process';

export interface ContractDeployment {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  flinksBaseUrl: string;
  flinksSecretKey: string;
}

/** The contract's variables for `deployment`, and nothing else. */
export function contractVars(deployment: ContractDeployment): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: deployment.temporalAddress,
    TEMPORAL_NAMESPACE: deployment.namespace,
    TEMPORAL_TASK_QUEUE: deployment.taskQueue,
    FLINKS_BASE_URL: deployment.flinksBaseUrl,
    FLINKS_SECRET_KEY: deployment.flinksSecretKey,
  };
}

/** `npm run worker` with exactly `vars` (and PATH): what a deployment following the contract sets. */
export function startContractWorker(vars: Record<string, string>): Promise<WorkerProcess> {
  return spawnWorkerProcess({ env: { PATH: process.env.PATH, ...vars } });
}

/** The contract's `cardLifecycle` input, as a backend passes it (plus whatever a test adds on purpose). */
export interface ContractCardInput {
  loginId: string;
  institution?: string;
  connectedAt?: string;
  requestId?: string;
  scheduledRefresh?: boolean;
  [extra: string]: unknown;
}

/** Starts a card the way a backend does: workflow ID `flinks-card-<loginId>`, the contract's name and input. */
export function startContractCard(
  client: Client,
  taskQueue: string,
  input: ContractCardInput,
): Promise<WorkflowHandle> {
  return client.workflow.start('cardLifecycle', {
    taskQueue,
    workflowId: `flinks-card-${input.loginId}`,
    args: [input],
  });
}
