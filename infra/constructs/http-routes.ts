/**
 * The routes of the HTTP API: one per `http` trigger of `shared/resources.ts`, each with its Lambda
 * proxy integration and the permission letting API Gateway invoke the function of that route.
 *
 * Created in the routes' nested stack (`infra/stack.ts`), three resources per route, while the API,
 * its stage and the JWT authoriser stay in the parent stack: `HttpRoute` creates the authoriser
 * in the scope of the API it belongs to (so its logical ID in the parent is unchanged), and the
 * integration and the permission in the scope of the route (so they sit in the nested stack).
 * The nested stack receives one parameter per function with a route (its ARN), the API id and the
 * authoriser id.
 *
 * Stateless: route keys are unique per API, so replacing a route means deleting the old one first
 * (docs/infrastructure.md, Stack layout).
 */
import {
  type HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { pascalCase } from '#infra/function-factory.ts';
import { acknowledgePublicRoute } from '#infra/nag-acknowledgements.ts';
import type { FunctionDefinition } from '#shared/resources.ts';

export interface HttpRoutesProps {
  readonly httpApi: HttpApi;
  /** The authoriser of the routes whose trigger says `auth: 'jwt'`. */
  readonly authorizer: IHttpRouteAuthorizer;
  /** Definitions whose `http` triggers become routes, and the function of each by name. */
  readonly functionDefinitions: Readonly<Record<string, FunctionDefinition>>;
  readonly functions: Readonly<Record<string, IFunction>>;
}

export class HttpRoutes extends Construct {
  readonly routes: readonly HttpRoute[];

  constructor(scope: Construct, id: string, props: HttpRoutesProps) {
    super(scope, id);
    const routes: HttpRoute[] = [];
    for (const [name, definition] of Object.entries(props.functionDefinitions)) {
      for (const trigger of definition.triggers) {
        if (trigger.kind !== 'http') continue;
        const fn = props.functions[name];
        if (!fn) throw new Error(`No function '${name}' for the route ${trigger.method} ${trigger.path}`);
        // `httpApi.addRoutes` would create the route in the API's scope, the parent stack: the
        // route is created here instead, with the id addRoutes gives it.
        const route = new HttpRoute(this, `${trigger.method}${trigger.path}`, {
          httpApi: props.httpApi,
          routeKey: HttpRouteKey.with(trigger.path, HttpMethod[trigger.method]),
          integration: new HttpLambdaIntegration(`${pascalCase(name)}${trigger.method}Integration`, fn),
          authorizer: trigger.auth === 'jwt' ? props.authorizer : new HttpNoneAuthorizer(),
        });
        if (trigger.auth === 'none') acknowledgePublicRoute(route, trigger);
        routes.push(route);
      }
    }
    this.routes = routes;
  }
}
