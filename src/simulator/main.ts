// `npm run simulator`: the Flinks simulator on a port, with one demo card per scenario.
import { scenarios, startSimulator } from './index';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4010;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT must be an integer between 0 and 65535, got '${raw}'`);
  return port;
}

async function main(): Promise<void> {
  const secretKey = process.env.FLINKS_SECRET_KEY;
  if (secretKey === undefined || secretKey === '') fail('FLINKS_SECRET_KEY is required (the secret the simulator accepts)');
  const apiKey = process.env.FLINKS_API_KEY || undefined;
  const sim = await startSimulator({
    port: readPort(process.env.PORT),
    host: process.env.SIMULATOR_HOST || undefined,
    secretKey,
    apiKey,
    webhooks: process.env.FLINKS_WEBHOOKS === 'true',
  });
  const cards = await Promise.all(scenarios.map((scenario) => sim.admin.createCard({ scenario })));

  process.stdout.write(`FLINKS_BASE_URL=${sim.baseUrl}\n`);
  process.stdout.write(`admin API: ${sim.adminUrl}\n`);
  for (const card of cards) process.stdout.write(`demo card ${card.loginId} (${card.scenario})\n`);

  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => fail(`simulator failed to start: ${error instanceof Error ? error.message : String(error)}`));
