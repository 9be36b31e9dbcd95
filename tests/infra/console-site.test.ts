/**
 * The deployed console (infra/constructs/console-site.ts, and its Cognito client in
 * infra/constructs/identity.ts): HTTPS only, the console's security headers, the bucket reachable
 * only through CloudFront's origin access control, the API on the same domain, and a console
 * client that signs in with the authorization code grant alone. cdk-nag runs in stack.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app.ts';
import { ensureConsoleBuilt } from '#local/console-build.ts';
import { consoleCsp } from '#shared/http/console-headers.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

let outdir: string;
let template: Template;

function resourcesOf(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

function only(type: string, prefix = ''): [string, Resource] {
  const found = resourcesOf(type).filter(([id]) => id.startsWith(prefix));
  expect(found, `${type} ${prefix}`).toHaveLength(1);
  return found[0]!;
}

/** A CloudFormation string with its references written as `<LogicalId>` / `<LogicalId.Attribute>`. */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  const object = value as Record<string, any>;
  if (object.Ref) return `<${object.Ref}>`;
  if (object['Fn::GetAtt']) return `<${object['Fn::GetAtt'].join('.')}>`;
  if (object['Fn::Join']) return (object['Fn::Join'][1] as unknown[]).map(rendered).join(object['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  outdir = mkdtempSync(join(tmpdir(), 'customs-cdk-'));
  const { stack } = buildApp({ region: 'eu-west-2', stage: 'dev', outdir, nag: false, context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(stack);
}, 120_000);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('the console distribution', () => {
  it('answers over HTTPS only: the app redirects HTTP to HTTPS, the API refuses it', () => {
    // Prepare
    const [, distribution] = only('AWS::CloudFront::Distribution');

    // Act
    const config = distribution.Properties.DistributionConfig;
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors] as Record<string, any>[];

    // Assess
    expect(behaviors.map((behavior) => behavior.ViewerProtocolPolicy)).toEqual(['redirect-to-https', 'https-only', 'https-only']);
    for (const origin of config.Origins.filter((o: any) => o.CustomOriginConfig)) {
      expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    }
  });

  it("adds the console's security headers to every answer: the local gateway's CSP with the Cognito domain and the archive's S3 endpoint, HSTS, no framing, no sniffing, no referrer", () => {
    // Prepare
    const [policyId, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    const [, distribution] = only('AWS::CloudFront::Distribution');

    // Act
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    const security = config.SecurityHeadersConfig;
    const { DefaultCacheBehavior, CacheBehaviors } = distribution.Properties.DistributionConfig;

    // Assess
    expect(rendered(security.ContentSecurityPolicy.ContentSecurityPolicy)).toBe(
      consoleCsp([`https://<${domainId}>.auth.eu-west-2.amazoncognito.com`, 'https://*.s3.eu-west-2.amazonaws.com']),
    );
    expect(security.ContentSecurityPolicy.Override).toBe(true);
    expect(security.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(365 * 86_400);
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(config.CustomHeadersConfig.Items.map((item: any) => item.Header)).toEqual([
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'permissions-policy',
    ]);
    for (const behavior of [DefaultCacheBehavior, ...CacheBehaviors]) expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('reads the bucket through origin access control, which the bucket policy allows for this distribution only', () => {
    // Prepare
    const [oacId, oac] = only('AWS::CloudFront::OriginAccessControl');
    const [distributionId, distribution] = only('AWS::CloudFront::Distribution');
    const [bucketId] = only('AWS::S3::Bucket', 'ConsoleSiteBucket');
    const [, bucketPolicy] = only('AWS::S3::BucketPolicy', 'ConsoleSiteBucketPolicy');

    // Act
    const s3Origin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.S3OriginConfig);
    const allows = (bucketPolicy.Properties.PolicyDocument.Statement as any[]).filter((s) => s.Effect === 'Allow');

    // Assess
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(s3Origin.DomainName).toEqual({ 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] });
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0].Action).toBe('s3:GetObject');
    expect(rendered(allows[0].Condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${distributionId}>`,
    );
  });

  it("lets the console's origin, and no other, PUT requested documents to the archive with the upload URL's headers", () => {
    // Prepare
    const [distributionId] = only('AWS::CloudFront::Distribution');
    const [, archive] = only('AWS::S3::Bucket', 'ArchiveBucket');

    // Act
    const rules = archive.Properties.CorsConfiguration.CorsRules as Record<string, any>[];

    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ AllowedMethods: ['PUT'], AllowedHeaders: ['content-type', 'x-amz-checksum-sha256'] });
    expect(rules[0]!.AllowedOrigins.map(rendered)).toEqual([`https://<${distributionId}.DomainName>`]);
  });

  it('keeps the console bucket private, encrypted, TLS-only, logged and without website hosting', () => {
    // Prepare
    const [accessLogId] = only('AWS::S3::Bucket', 'AccessLogBucket');

    // Act
    const [, bucket] = only('AWS::S3::Bucket', 'ConsoleSiteBucket');
    const [, policy] = only('AWS::S3::BucketPolicy', 'ConsoleSiteBucketPolicy');

    // Assess
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: accessLogId }, LogFilePrefix: 'console/' });
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    );
  });

  it('writes access logs to its own log bucket, itself private and logged', () => {
    // Prepare
    const [logBucketId, logBucket] = only('AWS::S3::Bucket', 'ConsoleSiteCdnLogBucket');

    // Act
    const [, distribution] = only('AWS::CloudFront::Distribution');

    // Assess
    expect(distribution.Properties.DistributionConfig.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] },
      Prefix: 'distribution/',
    });
    expect(logBucket.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
    expect(logBucket.Properties.LoggingConfiguration.LogFilePrefix).toBe('console-cdn-logs/');
  });

  it('sends /v1/* and /openapi.json to the HTTP API, uncached, with every method and every viewer header but Host', () => {
    // Prepare
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    const [, distribution] = only('AWS::CloudFront::Distribution');

    // Act
    const { CacheBehaviors, Origins } = distribution.Properties.DistributionConfig;
    const apiOrigin = Origins.find((o: any) => o.CustomOriginConfig);

    // Assess
    expect(rendered(apiOrigin.DomainName)).toBe(`<${apiId}>.execute-api.eu-west-2.<AWS::URLSuffix>`);
    expect(CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/v1/*', '/openapi.json']);
    for (const behavior of CacheBehaviors) {
      expect(behavior.TargetOriginId).toBe(apiOrigin.Id);
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
      expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
      expect([...behavior.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(behavior.FunctionAssociations).toBeUndefined();
    }
  });

  it("serves index.html for the app's routes through a viewer-request function on the bucket's behavior, not through error pages that would hide the API's 403 and 404", () => {
    // Prepare
    const [functionId, cfFunction] = only('AWS::CloudFront::Function');
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const handler = runInNewContext(`${cfFunction.Properties.FunctionCode}; handler`) as (event: unknown) => { uri: string };
    const rewrite = (uri: string): string => handler({ request: { uri } }).uri;

    // Act
    const rewritten = [
      '/',
      '/review',
      '/review/declarations/01JABC',
      '/auth/callback',
      '/index.html',
      '/config.json',
      '/assets/app-1a2b.js',
    ].map(rewrite);

    // Assess
    expect(rewritten).toEqual([
      '/index.html',
      '/index.html',
      '/index.html',
      '/index.html',
      '/index.html',
      '/config.json',
      '/assets/app-1a2b.js',
    ]);
    expect(cfFunction.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    expect(distribution.Properties.DistributionConfig.CustomErrorResponses).toBeUndefined();
  });

  it('deploys the build beside a config.json naming the managed login, the console client and its callback', () => {
    // Prepare
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    const [clientId] = only('AWS::Cognito::UserPoolClient', 'UserPoolConsoleClient');
    const [distributionId] = only('AWS::CloudFront::Distribution');

    // Act
    const deployments = resourcesOf('Custom::CDKBucketDeployment').map(([, d]) => d.Properties);
    const site = deployments.find((d) => d.Prune === true)!;
    const assets = deployments.find((d) => d.DestinationBucketKeyPrefix === 'assets/')!;

    // Assess
    expect(deployments).toHaveLength(2);
    expect(Object.values(site.SourceMarkers[1])).toEqual([
      { Ref: domainId },
      { Ref: clientId },
      { 'Fn::GetAtt': [distributionId, 'DomainName'] },
      { 'Fn::GetAtt': [distributionId, 'DomainName'] },
    ]);
    expect(site.Exclude).toEqual(['assets/*']);
    expect(site.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
    expect(assets.Prune).toBe(false);
    expect(assets.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
  });

  it("gives the deployment's handler its own role, without AWS-managed policies, writing only to its own log group", () => {
    // Prepare
    const [roleId, role] = only('AWS::IAM::Role', 'ConsoleSiteDeploymentRole');
    const [logGroupId] = only('AWS::Logs::LogGroup', 'ConsoleSiteDeploymentLogGroup');

    // Act
    const [, policy] = only('AWS::IAM::Policy', 'ConsoleSiteDeploymentRole');
    const logStatements = (policy.Properties.PolicyDocument.Statement as any[]).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('logs:')),
    );

    // Assess
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
    expect(logStatements).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } }),
    ]);
  });
});

describe('the console sign-in (Cognito managed login)', () => {
  it('gives the console a public client with the authorization code grant only, returning to the distribution', () => {
    // Prepare
    const [distributionId] = only('AWS::CloudFront::Distribution');

    // Act
    const [, client] = only('AWS::Cognito::UserPoolClient', 'UserPoolConsoleClient');
    const properties = client.Properties;

    // Assess
    expect(properties.GenerateSecret ?? false).toBe(false);
    expect(properties.AllowedOAuthFlows).toEqual(['code']);
    expect(properties.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect([...properties.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(properties.CallbackURLs.map(rendered)).toEqual([`https://<${distributionId}.DomainName>/auth/callback`]);
    expect(properties.LogoutURLs.map(rendered)).toEqual([`https://<${distributionId}.DomainName>/sign-in`]);
    expect(properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    // No password flow of its own: only the managed login signs in.
    expect(properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(properties.ReadAttributes).toContain('custom:party_id');
    expect(properties.WriteAttributes.length).toBeGreaterThan(0);
    expect(properties.WriteAttributes).not.toContain('custom:party_id');
  });

  it('keeps the API client as it was: SRP sign-in, no OAuth', () => {
    // Prepare
    const type = 'AWS::Cognito::UserPoolClient';

    // Act
    const [, client] = only(type, 'UserPoolApiClient');

    // Assess
    expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
  });

  it('hosts the managed login (v2) on a Cognito prefix domain, with a branding style for the console client', () => {
    // Prepare
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient', 'UserPoolConsoleClient');

    // Act
    const [, domain] = only('AWS::Cognito::UserPoolDomain');
    const [, branding] = only('AWS::Cognito::ManagedLoginBranding');

    // Assess
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    expect(rendered(domain.Properties.Domain)).toBe('customs-dev-<AWS::AccountId>');
    expect(domain.Properties.UserPoolId).toEqual({ Ref: poolId });
    expect(branding.Properties).toEqual({ UserPoolId: { Ref: poolId }, ClientId: { Ref: clientId }, UseCognitoProvidedValues: true });
  });

  it("accepts the ID tokens of both clients at the API's JWT authorizer", () => {
    // Prepare
    const clientIds = resourcesOf('AWS::Cognito::UserPoolClient').map(([id]) => id);

    // Act
    const [, authorizer] = only('AWS::ApiGatewayV2::Authorizer');

    // Assess
    expect(clientIds).toHaveLength(2);
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual(clientIds.map((id) => ({ Ref: id })));
  });
});
