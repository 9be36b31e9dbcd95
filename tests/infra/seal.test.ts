/**
 * The customs seal in the stack: an asymmetric KMS key for signing (ECC_NIST_P256, SIGN_VERIFY),
 * which only the documents worker's role may use (kms:Sign, kms:GetPublicKey, nothing else), the
 * documents and printing queues they work from, each with its dead-letter queue, and the console's
 * address given to the printing worker alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { queues } from '#shared/resources.ts';
import { templateWithNestedStacks } from './support/nested-template.ts';

interface Resource {
  Properties: Record<string, any>;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

let template: Template;
let outdir: string;
let sealKeyId: string;

const resourcesOf = (type: string): [string, Resource][] => Object.entries(template.findResources(type)) as [string, Resource][];
const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const namesKey = (statement: Statement): boolean => JSON.stringify(statement.Resource).includes(sealKeyId);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  const { stack } = buildApp({ region: 'eu-west-2', stage: 'dev', outdir, nag: false, context: { 'aws:cdk:bundling-stacks': [] } });
  // The functions are in nested stacks, one per group: merged with the parent.
  template = templateWithNestedStacks(stack, Object.values(stack.functionStacks));
  const found = resourcesOf('AWS::KMS::Key').filter(([id]) => id.startsWith('SealSigningKey'));
  expect(found).toHaveLength(1);
  sealKeyId = found[0]![0];
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the customs seal', () => {
  it('is an asymmetric P-256 signing key that KMS keeps, retained on delete', () => {
    // Act
    const key = template.findResources('AWS::KMS::Key')[sealKeyId] as Resource & { DeletionPolicy: string };

    // Assess
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.Properties.EnableKeyRotation).toBeUndefined();
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('may be used by the documents worker only, to sign and read its public key', () => {
    // Prepare: every IAM policy statement that names the seal key
    const policies = resourcesOf('AWS::IAM::Policy');

    // Act
    const using = policies.flatMap(([id, policy]) =>
      (policy.Properties.PolicyDocument.Statement as Statement[])
        .filter(namesKey)
        .map((statement) => ({ id, statement, roles: policy.Properties.Roles })),
    );

    // Assess
    expect(using).toHaveLength(1);
    expect(using[0]!.id).toMatch(/^FunctionsIssueDocuments/);
    expect(actionsOf(using[0]!.statement).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
    expect(using[0]!.statement.Effect).toBe('Allow');
    expect(JSON.stringify(using[0]!.roles)).toContain('FunctionsIssueDocuments');
  });

  it.each([
    ['Documents', 'FunctionsIssueDocuments', queues.documents.maxReceiveCount],
    ['Printing', 'FunctionsPrintDocuments', queues.printing.maxReceiveCount],
  ])(
    'is used from its own queues, each with a dead-letter queue, so a throttle delays documents, never clearance (%s)',
    (queue, consumer, maxReceiveCount) => {
      // Prepare
      const source = resourcesOf('AWS::SQS::Queue').find(([id]) => id.startsWith(`${queue}Queue`));
      const deadLetters = resourcesOf('AWS::SQS::Queue').find(([id]) => id.startsWith(`${queue}DeadLetterQueue`));

      // Act
      const mapping = resourcesOf('AWS::Lambda::EventSourceMapping').find(([, m]) =>
        JSON.stringify(m.Properties.EventSourceArn).includes(source?.[0] ?? '-'),
      );

      // Assess
      expect(source?.[1].Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters?.[0], 'Arn'] },
        maxReceiveCount,
      });
      expect(JSON.stringify(mapping?.[1].Properties.FunctionName)).toContain(consumer);
    },
  );

  it('gives the printing worker the console’s address for its QR codes, and no function behind the API', () => {
    // Prepare
    const functionsWithSite = resourcesOf('AWS::Lambda::Function').filter(
      ([, fn]) => 'PUBLIC_SITE_URL' in (fn.Properties.Environment?.Variables ?? {}),
    );

    // Act
    const site = functionsWithSite.map(([id, fn]) => [id, JSON.stringify(fn.Properties.Environment.Variables.PUBLIC_SITE_URL)]);

    // Assess
    expect(site.map(([id]) => id?.replace(/Function[0-9A-F]{8}$/, ''))).toEqual(['FunctionsPrintDocuments']);
    expect(site[0]?.[1]).toContain('DomainName');
  });
});
