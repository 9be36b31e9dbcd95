/**
 * `npm run token -- --role trader --party GB123456789000 [--api http://127.0.0.1:3000]`
 *
 * Asks the running local cloud (`POST /local/token`) for a dev token and prints only the token,
 * so that `TOKEN=$(npm run -s token -- --role trader --party GB123456789000)` works.
 * Local only: the deployed stack has no such endpoint.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PORTS } from './cloud.ts';
import { demoUsers, isRole } from './demo-users.ts';

const usage = `Usage: npm run -s token -- --role trader|officer|admin|carrier|agency [--party EORI] [--agency ID] [--api URL]

  --role   trader, officer, admin, carrier or agency
  --party  the trader's EORI (required for traders), e.g. ${demoUsers
    .filter((user) => user.party)
    .map((user) => `${user.party ?? ''} (${user.name})`)
    .join(', ')}
  --agency the agency an agency user acts for (default: the demo agency user's, ${demoUsers
    .filter((user) => user.agency)
    .map((user) => user.agency ?? '')
    .join(', ')})
  --sub    override the subject (default: the demo user's)
  --api    the local API (default $LOCAL_API_URL or http://127.0.0.1:${DEFAULT_PORTS.api})
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  if (code === 2) process.stderr.write(`\n${usage}`);
  process.exit(code);
}

let values: { role?: string; party?: string; agency?: string; sub?: string; api?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      party: { type: 'string' },
      agency: { type: 'string' },
      sub: { type: 'string' },
      api: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
if (!isRole(values.role)) fail('--role must be trader, officer, admin, carrier or agency');
if (values.role === 'trader' && !values.party) fail('a trader token needs --party (the EORI), e.g. --party GB123456789000');
if (values.role === 'carrier' && !values.party) fail('a carrier token needs --party (the EORI), e.g. --party GB555000111000');

const api = (values.api ?? process.env.LOCAL_API_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.api}`).replace(/\/+$/, '');
let response: Response;
try {
  response = await fetch(`${api}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: values.role, party: values.party, agency: values.agency, sub: values.sub }),
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  fail(`the local cloud is not running at ${api}${cause}. Start it with \`npm start\`, or pass --api <url>.`, 1);
}
const text = await response.text();
if (!response.ok) {
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // Not JSON: show the text as it is.
  }
  if (response.status === 404) message = `${api} answered 404: is it the local cloud (npm start)? The deployed API has no token endpoint.`;
  fail(`token request refused (${response.status}): ${message}`, 1);
}
const { token } = JSON.parse(text) as { token?: string };
if (!token) fail(`unexpected answer from ${api}/local/token: ${text}`, 1);
process.stdout.write(`${token}\n`);
