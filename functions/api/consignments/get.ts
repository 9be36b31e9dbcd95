/** GET /v1/consignments/{ucr}: one consignment's manifest lines, declarations and timeline, as the caller may see them. */
import { cargoReports, declarationReader } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getConsignmentOperation } from '#shared/http/operations/consignments.ts';
import { json } from '#shared/http/responses.ts';
import { trackConsignment } from '#shared/usecases/track-consignment.ts';

const config = loadConfig('getConsignment');
const deps = { repository: declarationReader(config, 'no bodies'), cargo: cargoReports(config) };

export const handler = httpOperation(getConsignmentOperation, async ({ principal, path }) =>
  json(200, await trackConsignment({ principal, ucr: path.ucr }, deps)),
);
