/** GET /v1/manifests/{id}: a manifest with its lines' discharges, for its carrier and customs. */
import { cargoReports } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getManifestOperation } from '#shared/http/operations/cargo-reports.ts';
import { json } from '#shared/http/responses.ts';
import { getManifest } from '#shared/usecases/cargo-reports.ts';

const deps = { cargo: cargoReports(loadConfig('getManifest')) };

export const handler = httpOperation(getManifestOperation, async ({ principal, path }) =>
  json(200, await getManifest({ principal, id: path.id }, deps)),
);
