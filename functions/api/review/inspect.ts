/** POST /v1/review/declarations/{id}/inspections: an officer records an inspection; corrections re-assess. */
import { declarationBodies, declarationRepository, revenueDependencies, riskDataSources, tariffSource } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { recordInspectionOperation } from '#shared/http/operations/review.ts';
import { json } from '#shared/http/responses.ts';
import { recordInspection } from '#shared/usecases/record-inspection.ts';

const config = loadConfig('recordInspection');
const risk = riskDataSources(config);

const deps = {
  ...revenueDependencies(config),
  repository: declarationRepository(config, declarationBodies(config)),
  clock: systemClock,
  tariff: tariffSource(config),
  region: config.region,
  traders: risk.traders,
  profiles: risk.profiles,
};

export const handler = httpOperation(recordInspectionOperation, async ({ principal, path, headers, body }) => {
  const view = await recordInspection({ principal, id: path.id, expectedVersion: headers['If-Match'], inspection: body }, deps);
  return json(200, view, { etag: `"${view.version}"` });
});
