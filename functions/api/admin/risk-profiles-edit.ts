/** PUT /v1/admin/risk-profiles/{id}: an edit saved as a new version (If-Match: "<version>" guards concurrent edits). */

import { riskStore } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { editRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import { json } from '#shared/http/responses.ts';
import { editRiskProfile } from '#shared/usecases/manage-risk-profiles.ts';

const config = loadConfig('editRiskProfile');

const deps = { profiles: riskStore(config), clock: systemClock };

export const handler = httpOperation(editRiskProfileOperation, async ({ principal, path, body, headers }) => {
  const profile = await editRiskProfile({ principal, id: path.id, body, expectedVersion: headers['If-Match'] }, deps);
  return json(200, profile, { etag: `"${profile.version}"` });
});
