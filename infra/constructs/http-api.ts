/**
 * The HTTP API (API Gateway v2): the Cognito JWT authoriser, the throttled and logged `$default`
 * stage, and one route per `http` trigger of `shared/resources.ts`.
 *
 * Stateless, except that the API and its stage keep the stack-level logical IDs clients depend on (see below).
 */
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeploymentContext } from '#infra/function-factory.ts';
import { pascalCase, retentionDays } from '#infra/function-factory.ts';
import { acknowledgePublicRoute } from '#infra/nag-acknowledgements.ts';
import type { FunctionDefinition } from '#shared/resources.ts';
import { statefulScope } from './stateful-resources.ts';

export interface CustomsHttpApiProps extends DeploymentContext {
  readonly userPool: IUserPool;
  /** The app clients whose ID tokens the API accepts (the API client's and the console's). */
  readonly userPoolClients: readonly IUserPoolClient[];
  /** Definitions whose `http` triggers become routes, and the function of each by name. */
  readonly functionDefinitions: Readonly<Record<string, FunctionDefinition>>;
  readonly functions: Readonly<Record<string, IFunction>>;
}

export class CustomsHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The stage's JSON access log; the alarms count its throttled (429) requests. */
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CustomsHttpApiProps) {
    super(scope, id);
    const { region } = props;
    const authorizer = new HttpJwtAuthorizer(
      'CognitoJwtAuthorizer',
      `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: props.userPoolClients.map((client) => client.userPoolClientId) },
    );
    // The API and its stage keep their logical IDs like the stateful resources (see `statefulScope`):
    // clients address the API by its id (the execute-api URL), which a replacement would change.
    this.httpApi = new HttpApi(statefulScope(this), 'HttpApi', {
      description: `Customs clearance API (${props.stage}, ${props.regionName})`,
      createDefaultStage: false,
    });
    const accessLogGroup = new LogGroup(this, 'AccessLogGroup', {
      retention: retentionDays(props.logRetentionDays),
      removalPolicy: props.removalPolicy,
    });
    this.accessLogGroup = accessLogGroup;
    this.stage = new HttpStage(statefulScope(this), 'ApiDefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: region.throttle.rateLimit, burstLimit: region.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    for (const [name, definition] of Object.entries(props.functionDefinitions)) {
      for (const trigger of definition.triggers) {
        if (trigger.kind !== 'http') continue;
        const fn = props.functions[name];
        if (!fn) throw new Error(`No function '${name}' for the route ${trigger.method} ${trigger.path}`);
        const routes = this.httpApi.addRoutes({
          path: trigger.path,
          methods: [HttpMethod[trigger.method]],
          integration: new HttpLambdaIntegration(`${pascalCase(name)}${trigger.method}Integration`, fn),
          authorizer: trigger.auth === 'jwt' ? authorizer : new HttpNoneAuthorizer(),
        });
        if (trigger.auth === 'none') {
          for (const route of routes) acknowledgePublicRoute(route, trigger);
        }
      }
    }
  }
}
