/**
 * Who may call the API: the Cognito user pool (the users, with their groups and `party_id`), its
 * groups and the API's app client.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
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
} as const;

export interface IdentityProps {
  /** Deletion protection of the user pool. */
  readonly retainOnDelete: boolean;
  readonly removalPolicy: RemovalPolicy;
}

export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

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
      readAttributes: new ClientAttributes().withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes('party_id'),
      // custom:party_id decides whose declarations a trader sees, so only administrators
      // (AdminUpdateUserAttributes) may set it. The list must not be empty: Cognito treats an empty
      // WriteAttributes like an absent one and leaves every mutable attribute, custom ones included,
      // writable by the user (aws/aws-cdk#30608).
      writeAttributes: new ClientAttributes().withStandardAttributes({ givenName: true, familyName: true }),
    });
  }
}
