/**
 * Who may call the API: the Cognito user pool (the users, with their groups and `party_id`), its
 * groups, the API's app client, and the console's sign-in: the managed login domain and the
 * console's app client (authorization code with PKCE, added once the console's address is known).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { pascalCase } from '#infra/function-factory.ts';
import { acknowledgeOptionalMfa } from '#infra/nag-acknowledgements.ts';
import { statefulScope } from './stateful-resources.ts';

/** Cognito groups; handlers read them from the `cognito:groups` claim. */
export const USER_GROUPS = {
  trader: 'Traders and customs representatives: submit and read their own party declarations',
  officer: 'Customs officers: read and decide on declarations of their offices',
  admin: 'Administrators: manage users and reference data',
  carrier: 'Carriers: report the arrival manifests of their own party and read them',
  agency:
    'Partner agency users (custom:agency_id): decide on permit applications to their agency, read the declarations citing its permits',
} as const;

export interface IdentityProps {
  /** Deletion protection of the user pool. */
  readonly retainOnDelete: boolean;
  readonly removalPolicy: RemovalPolicy;
  /** Prefix of the managed login domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
}

/** Where the console's sign-in returns to, below the console's origin. */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';
/** Where the managed login sends the browser after signing out. */
export const CONSOLE_SIGNED_OUT_PATH = '/sign-in';

export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The managed login (v2) of the console: sign-in pages, `/oauth2/authorize`, `/oauth2/token`, `/logout`. */
  readonly domain: UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    // The user pool holds the users: it is stateful and keeps its logical ID by being created in
    // the stack (see `statefulScope`). Its groups (which hold the memberships) and its client
    // (whose id the API clients are configured with) are its children and keep theirs with it.
    this.userPool = new UserPool(statefulScope(this), 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      customAttributes: {
        // The party (EORI) a trader acts for; set by administrators, not by the user (see the client).
        party_id: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        // The partner agency an agency user acts for; set by administrators, like party_id.
        agency_id: new StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retainOnDelete,
      removalPolicy: props.removalPolicy,
    });
    acknowledgeOptionalMfa(this.userPool);
    for (const [groupName, description] of Object.entries(USER_GROUPS)) {
      this.userPool.addGroup(`${pascalCase(groupName)}Group`, { groupName, description });
    }
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      // Clients sign in with SRP and send the ID token; no hosted UI / OAuth flows.
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('party_id', 'agency_id'),
      // Users may not write custom:party_id (see the function).
      writeAttributes: userWritableAttributes(),
    });
    this.domain = this.userPool.addDomain('ConsoleDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
  }

  /** The managed login's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  get signInOrigin(): string {
    return this.domain.baseUrl();
  }

  /**
   * The console's app client: a public client (no secret: the code runs in the browser) that signs
   * in through the managed login with the authorization code grant only, returning to
   * `<origin>/auth/callback`. Cognito cannot make a client require PKCE; the console always sends
   * an S256 challenge. Its ID tokens carry the same claims as the API client's.
   */
  addConsoleClient(origin: string): UserPoolClient {
    const client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      // No sign-in flow of the API (the browser never sees a password, only the managed login
      // does); CDK adds only ALLOW_REFRESH_TOKEN_AUTH. An empty object would leave Cognito's defaults.
      authFlows: { userSrp: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${origin}${CONSOLE_CALLBACK_PATH}`],
        logoutUrls: [`${origin}${CONSOLE_SIGNED_OUT_PATH}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('party_id', 'agency_id'),
      writeAttributes: userWritableAttributes(),
    });
    // Managed login v2 shows its pages to a client only once the client has a branding style.
    new CfnManagedLoginBranding(client, 'Branding', {
      userPoolId: this.userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    return client;
  }
}

/**
 * custom:party_id decides whose declarations a trader sees (custom:agency_id which permits an
 * agency user decides on), so only administrators
 * (AdminUpdateUserAttributes) may set it. The list must not be empty: Cognito treats an empty
 * WriteAttributes like an absent one and leaves every mutable attribute, custom ones included,
 * writable by the user (aws/aws-cdk#30608).
 */
function userWritableAttributes(): ClientAttributes {
  return new ClientAttributes().withStandardAttributes({ givenName: true, familyName: true });
}
