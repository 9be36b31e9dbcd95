/**
 * The HTTP API (API Gateway v2): the Cognito JWT authoriser and the throttled and logged `$default`
 * stage. The routes are `HttpRoutes` (`http-routes.ts`), in a nested stack of their own.
 *
 * Stateless, except that the API and its stage keep the stack-level logical IDs clients depend on (see below).
 */
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeploymentContext } from '#infra/function-factory.ts';
import { retentionDays } from '#infra/function-factory.ts';
import { statefulScope } from './stateful-resources.ts';

export interface CustomsHttpApiProps extends DeploymentContext {
  readonly userPool: IUserPool;
  /** The app clients whose ID tokens the API accepts (the API client's and the console's). */
  readonly userPoolClients: readonly IUserPoolClient[];
}

export class CustomsHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /**
   * The Cognito JWT authoriser of the `auth: 'jwt'` routes. Its `AWS::ApiGatewayV2::Authorizer` is
   * created when the first route binds it, in the API's scope (`HttpApiCognitoJwtAuthorizer…`),
   * wherever the route is.
   */
  readonly authorizer: HttpJwtAuthorizer;
  /** The stage's JSON access log; the alarms count its throttled (429) requests. */
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CustomsHttpApiProps) {
    super(scope, id);
    const { region } = props;
    this.authorizer = new HttpJwtAuthorizer(
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
  }
}
