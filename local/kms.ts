/**
 * A minimal AWS KMS on 127.0.0.1 for the local cloud: the asymmetric signing the customs seal
 * needs (CreateKey, DescribeKey, GetPublicKey, Sign with ECC_NIST_P256 / ECDSA_SHA_256 over a RAW
 * message) over the JSON 1.1 protocol the SDK speaks, so the platform's KMS adapter runs
 * unchanged. Private keys are random per start, or kept in <data>/kms-keys.json (mode 0600) with
 * --data. As in KMS, a signature is DER-encoded and the public key is a DER SubjectPublicKeyInfo.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { closeServer, listen, type RunningEmulator } from './servers.ts';

export interface RunningKms extends RunningEmulator {
  /** Key ids by logical name (the keys of shared/resources.ts `signingKeys`). */
  keyIds: Record<string, string>;
}

/** KMS takes at most 4,096 bytes as a RAW message. */
const MAX_RAW_MESSAGE = 4096;

interface StoredKey {
  keyId: string;
  description: string;
  createdAt: number;
  /** PKCS#8 PEM. */
  privateKey: string;
}

export async function startKms(options: {
  port: number;
  region: string;
  /** Logical names of the signing keys to have ready. */
  keys: readonly string[];
  dataDir: string | undefined;
}): Promise<RunningKms> {
  const file = options.dataDir ? path.join(options.dataDir, 'kms-keys.json') : undefined;
  const stored: Record<string, StoredKey> =
    file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredKey>) : {};
  const save = () => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  };
  const create = (description: string): StoredKey => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key: StoredKey = {
      keyId: randomUUID(),
      description,
      createdAt: Date.now() / 1000,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    stored[key.keyId] = key;
    return key;
  };
  // One key per logical name, found again by its description after a restart with --data.
  const keyIds: Record<string, string> = {};
  for (const name of options.keys) {
    const description = `local ${name} signing key`;
    keyIds[name] = (Object.values(stored).find((key) => key.description === description) ?? create(description)).keyId;
  }
  save();

  const arn = (keyId: string) => `arn:aws:kms:${options.region}:000000000000:key/${keyId}`;
  const privateKeys = new Map<string, KeyObject>();
  const find = (id: string | undefined): StoredKey | undefined => {
    const keyId = id?.startsWith('arn:') ? id.split('/').at(-1) : id;
    return keyId ? stored[keyId] : undefined;
  };
  const privateKeyOf = (key: StoredKey): KeyObject => {
    let found = privateKeys.get(key.keyId);
    if (!found) {
      found = createPrivateKey(key.privateKey);
      privateKeys.set(key.keyId, found);
    }
    return found;
  };
  const metadata = (key: StoredKey) => ({
    KeyId: key.keyId,
    Arn: arn(key.keyId),
    Description: key.description,
    CreationDate: key.createdAt,
    Enabled: true,
    KeyState: 'Enabled',
    KeyUsage: 'SIGN_VERIFY',
    KeySpec: 'ECC_NIST_P256',
    CustomerMasterKeySpec: 'ECC_NIST_P256',
    SigningAlgorithms: ['ECDSA_SHA_256'],
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
  });

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return reply(response, 400, { __type: 'ValidationException', message: 'body is not JSON' });
      }
      if (target === 'TrentService.CreateKey') {
        if (body.KeySpec !== 'ECC_NIST_P256' || body.KeyUsage !== 'SIGN_VERIFY') {
          return reply(response, 400, {
            __type: 'UnsupportedOperationException',
            message: 'only ECC_NIST_P256 SIGN_VERIFY keys are emulated locally',
          });
        }
        const key = create(typeof body.Description === 'string' ? body.Description : '');
        save();
        return reply(response, 200, { KeyMetadata: metadata(key) });
      }
      const key = find(typeof body.KeyId === 'string' ? body.KeyId : undefined);
      if (!key) return reply(response, 400, { __type: 'NotFoundException', message: `Key '${String(body.KeyId)}' does not exist` });
      if (target === 'TrentService.DescribeKey') return reply(response, 200, { KeyMetadata: metadata(key) });
      if (target === 'TrentService.GetPublicKey') {
        const publicKey = createPublicKey(privateKeyOf(key)).export({ type: 'spki', format: 'der' });
        return reply(response, 200, {
          KeyId: arn(key.keyId),
          PublicKey: publicKey.toString('base64'),
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['ECDSA_SHA_256'],
        });
      }
      if (target === 'TrentService.Sign') {
        if (body.SigningAlgorithm !== 'ECDSA_SHA_256' || (body.MessageType ?? 'RAW') !== 'RAW') {
          return reply(response, 400, {
            __type: 'UnsupportedOperationException',
            message: 'only ECDSA_SHA_256 over a RAW message is emulated locally',
          });
        }
        const message = Buffer.from(String(body.Message ?? ''), 'base64');
        if (message.length === 0 || message.length > MAX_RAW_MESSAGE) {
          return reply(response, 400, { __type: 'ValidationException', message: `a RAW message holds 1 to ${MAX_RAW_MESSAGE} bytes` });
        }
        // DER, as KMS answers (ASN.1 SEQUENCE of r and s).
        const signature = sign('sha256', message, privateKeyOf(key));
        return reply(response, 200, { KeyId: arn(key.keyId), Signature: signature.toString('base64'), SigningAlgorithm: 'ECDSA_SHA_256' });
      }
      return reply(response, 400, { __type: 'UnsupportedOperationException', message: `${target} is not emulated locally` });
    });
  });
  const port = await listen(server, options.port);
  return { port, keyIds, stop: () => closeServer(server) };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
