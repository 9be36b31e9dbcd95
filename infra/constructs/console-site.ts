/**
 * The customs console as deployed: the built single-page app (`console/dist`) in a private bucket,
 * served by a CloudFront distribution through origin access control, with the console's security
 * headers (`shared/http/console-headers.ts`, the policy the local gateway sends) and the API on the
 * same domain (`/v1/*`, `/openapi.json`), so the console calls relative URLs and needs no CORS.
 *
 * Built in three steps, because the console's address (the distribution's domain) is needed by the
 * Cognito client the API accepts tokens of, and the API is needed by the distribution:
 * `new ConsoleSite(...)` (bucket and distribution), `routeApi(httpApi)`, `publish(signIn)` (the files
 * and `config.json`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { type DeploymentContext, retentionDays } from '#infra/function-factory.ts';
import { acknowledgeConsoleDeployment, acknowledgeConsoleDistribution } from '#infra/nag-acknowledgements.ts';
import { consoleCsp, consoleHeaders } from '#shared/http/console-headers.ts';

/** What the console reads from `/config.json` when deployed (see `console/src/sign-in-config.ts`). */
export interface ConsoleSignInConfig {
  readonly signIn: 'cognito';
  /** The managed login, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly authority: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly logoutUri: string;
}

export interface ConsoleSiteProps extends Pick<DeploymentContext, 'logRetentionDays' | 'removalPolicy'> {
  /** The built console (`console/dist`): must hold `index.html`. */
  readonly assetPath: string;
  /** Origin the console posts the authorization code to (the managed login's base URL). */
  readonly signInOrigin: string;
  /** Where the bucket's server access logs and the distribution's access logs go. */
  readonly accessLogBucket: IBucket;
  /**
   * Further origins the console sends requests to: the archive's regional S3 endpoint, which
   * traders PUT requested documents to with the presigned URL the API hands out.
   */
  readonly uploadOrigins?: readonly string[];
}

/** Paths of the API, answered by the HTTP API rather than the bucket. */
export const API_PATH_PATTERNS = ['/v1/*', '/openapi.json'] as const;

export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  private readonly props: ConsoleSiteProps;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assetPath, 'index.html'))) {
      throw new Error(`The console is not built (${props.assetPath} has no index.html): run npm run console:build, then synthesize again`);
    }
    this.props = props;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'console/',
      // Only the build, redeployed by every deployment; kept on stack deletion so that a deletion
      // never fails on a non-empty bucket (emptying it would take another custom resource).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Customs console: shared/http/console-headers.ts, with HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp([props.signInOrigin, ...(props.uploadOrigins ?? [])]), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: (['cross-origin-opener-policy', 'cross-origin-resource-policy', 'permissions-policy'] as const).map((header) => ({
          header,
          value: consoleHeaders[header],
          override: true,
        })),
      },
    });

    // Client routes (`/review/declarations/01J...`) get index.html, as the local gateway does; on
    // the bucket's behavior only, so that the API's own 403 and 404 reach the console unchanged.
    const spaRouting = new EdgeFunction(this, 'ClientRoutes', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Customs console: paths without a file extension are the app (index.html)',
      code: FunctionCode.fromInline(
        'function handler(event) { var request = event.request; var last = request.uri.split("/").pop(); if (last.indexOf(".") === -1) request.uri = "/index.html"; return request; }',
      ),
    });

    const logBucket = new Bucket(this, 'CdnLogBucket', {
      // CloudFront standard logs are written with an ACL grant: the bucket must accept ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'console-cdn-logs/',
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Customs console and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'distribution/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: spaRouting, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
    });
    acknowledgeConsoleDistribution(this.distribution);
  }

  /** `https://<distribution domain>`: the console's origin. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** Sends `/v1/*` and `/openapi.json` to the HTTP API, uncached, with every header but Host. */
  routeApi(httpApi: IHttpApi): void {
    const stack = Stack.of(this);
    const origin = new HttpOrigin(`${httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const behavior: BehaviorOptions = {
      origin,
      // An API call is not redirected (a redirected POST loses its body): plain HTTP is refused.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeadersPolicy,
    };
    for (const pattern of API_PATH_PATTERNS) this.distribution.addBehavior(pattern, origin, behavior);
  }

  /**
   * Uploads the built console and its `config.json`. Hashed assets (`assets/`) are cached for good
   * and never pruned (a tab still running the previous build keeps loading its chunks); the rest
   * is revalidated on every load.
   */
  publish(signIn: Omit<ConsoleSignInConfig, 'signIn'>): void {
    const { assetPath } = this.props;
    const handlerLogs = new LogGroup(this, 'DeploymentLogGroup', {
      retention: retentionDays(this.props.logRetentionDays),
      removalPolicy: this.props.removalPolicy,
    });
    // Its own role, writing only to its own log group (no AWS-managed policy).
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [handlerLogs.logGroupArn] }),
    );
    const common = { destinationBucket: this.bucket, role, logGroup: handlerLogs, memoryLimit: 256 };

    const assets = new BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [Source.asset(path.join(assetPath, 'assets'))],
      destinationKeyPrefix: 'assets/',
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    const config: ConsoleSignInConfig = { signIn: 'cognito', ...signIn };
    const site = new BucketDeployment(this, 'DeploySite', {
      ...common,
      sources: [
        Source.asset(assetPath, { exclude: ['assets', 'config.json', '.*'] }),
        // Beside index.html: the console reads it to sign in with Cognito (locally it says "local").
        Source.jsonData('config.json', config),
      ],
      // The site's pruning leaves the assets alone.
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
    });
    site.node.addDependency(assets);
    acknowledgeConsoleDeployment(role, this.bucket);
  }
}
