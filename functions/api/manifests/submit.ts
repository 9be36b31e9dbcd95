/** POST /v1/manifests: a carrier reports an arrival manifest; declarations waiting for its goods continue. */
import { cargoReports, pipelineQueue } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { submitManifestOperation } from '#shared/http/operations/cargo-reports.ts';
import { json } from '#shared/http/responses.ts';
import { submitManifest } from '#shared/usecases/cargo-reports.ts';

const config = loadConfig('submitManifest');

const deps = {
  cargo: cargoReports(config),
  releaseQueue: pipelineQueue(config, 'release'),
  clock: systemClock,
  customsOffices: config.region.customsOffices,
};

export const handler = httpOperation(submitManifestOperation, async ({ principal, body }) => {
  const { created, receipt } = await submitManifest({ principal, body }, deps);
  return json(created ? 201 : 200, receipt, { location: receipt.links.self });
});
