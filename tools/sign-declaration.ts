/**
 * `npm run sign`: a trader's signing key and the Signature header of a declaration, as a trader's
 * software would make them (README, "Signing declarations").
 *
 *   npm run -s sign -- keygen [--alg ES256|EdDSA] --out my-key.jwk.json   # private JWK to the file (0600); prints the POST /v1/traders/me/keys body
 *   npm run -s sign -- sign --key my-key.jwk.json declaration.json         # prints the Signature header value
 *
 * The kid is the key's RFC 7638 thumbprint (what the platform names a key registered without
 * one) unless `--kid` says otherwise.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { signedPayload } from '#shared/domain/declaration-signature.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { alg: { type: 'string', default: 'ES256' }, out: { type: 'string' }, key: { type: 'string' }, kid: { type: 'string' } },
});
const [command, file] = positionals;

/** The public members of a JWK (what is registered and hashed for the thumbprint). */
const publicPart = ({ kty, crv, x, y }: JWK): JWK => ({ kty, crv, x, ...(y ? { y } : {}) }) as JWK;

if (command === 'keygen' && values.out && (values.alg === 'ES256' || values.alg === 'EdDSA')) {
  const { privateKey } =
    values.alg === 'ES256'
      ? await generateKeyPair('ES256', { extractable: true })
      : await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  writeFileSync(values.out, `${JSON.stringify({ ...jwk, alg: values.alg })}\n`, { mode: 0o600 });
  process.stdout.write(`${JSON.stringify({ jwk: publicPart(jwk) })}\n`);
} else if (command === 'sign' && values.key && file) {
  const jwk = JSON.parse(readFileSync(values.key, 'utf8')) as JWK & { alg: 'ES256' | 'EdDSA' };
  const kid = values.kid ?? (await calculateJwkThumbprint(publicPart(jwk)));
  const declaration = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const jws = await new CompactSign(signedPayload(declaration))
    .setProtectedHeader({ alg: jwk.alg, kid })
    .sign(await importJWK(jwk, jwk.alg));
  const [header, , signature] = jws.split('.');
  process.stdout.write(`${header}..${signature}\n`);
} else {
  process.stderr.write(
    'usage: npm run -s sign -- keygen [--alg ES256|EdDSA] --out <private.jwk.json>\n       npm run -s sign -- sign --key <private.jwk.json> [--kid <kid>] <declaration.json>\n',
  );
  process.exitCode = 2;
}
