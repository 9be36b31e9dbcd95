import { describe, expect, it } from 'vitest';
import { authorise, describeCall, type ResourceIndex } from '#local/access-policy.ts';
import { functions } from '#shared/resources.ts';

/** The local cloud's resources as its access control sees them: only the bus matters here. */
const resources: ResourceIndex = {
  tables: {},
  buckets: {},
  queues: {},
  signingKeys: {},
  eventBuses: { 'customs-local-clearance': 'clearance' },
  secrets: { 'customs-local/risk-selection': 'riskSelection' },
};

describe('EventBridge calls against publishTo', () => {
  it('lets the fan-out put events on the clearance bus', () => {
    // Prepare
    const input = { Entries: [{ EventBusName: 'customs-local-clearance', Source: 'customs.clearance', DetailType: 'x', Detail: '{}' }] };

    // Act
    const calls = describeCall('events', 'PutEvents', input, resources);
    const decisions = calls.map((call) => authorise(functions.fanOutNotifications.access, call));

    // Assess
    expect(calls).toEqual([{ service: 'events', action: 'PutEvents', resource: 'clearance', keys: [] }]);
    expect(decisions).toEqual([{ allowed: true, grant: 0, patterns: [] }]);
  });

  it('refuses a function whose access names no bus, a bus not named, and any other EventBridge action', () => {
    // Prepare
    const onClearance = { Entries: [{ EventBusName: 'customs-local-clearance' }] };
    const onDefault = { Entries: [{ Source: 'customs.clearance' }] };

    // Act
    const [byDelivery] = describeCall('events', 'PutEvents', onClearance, resources).map((call) =>
      authorise(functions.deliverWebhooks.access, call),
    );
    const [toDefault] = describeCall('events', 'PutEvents', onDefault, resources).map((call) =>
      authorise(functions.fanOutNotifications.access, call),
    );
    const [ruleChange] = describeCall('events', 'PutRule', { EventBusName: 'customs-local-clearance' }, resources).map((call) =>
      authorise(functions.fanOutNotifications.access, call),
    );

    // Assess
    expect(byDelivery).toEqual({ allowed: false, reason: 'event bus clearance is not in publishTo' });
    expect(toDefault).toEqual({ allowed: false, reason: 'event bus default is not in publishTo' });
    expect(ruleChange).toEqual({ allowed: false, reason: 'events:PutRule is granted to no function' });
  });
});

describe('Secrets Manager calls against secrets', () => {
  it('lets the risk stage read the selection secret, and refuses it to a function that names no secret and any other action', () => {
    // Prepare
    const input = { SecretId: 'customs-local/risk-selection' };

    // Act
    const [byRisk] = describeCall('secretsmanager', 'GetSecretValue', input, resources).map((call) =>
      authorise(functions.scoreRisk.access, call),
    );
    const [byIntake] = describeCall('secretsmanager', 'GetSecretValue', input, resources).map((call) =>
      authorise(functions.submitDeclaration.access, call),
    );
    const [rotation] = describeCall('secretsmanager', 'PutSecretValue', input, resources).map((call) =>
      authorise(functions.scoreRisk.access, call),
    );

    // Assess
    expect(byRisk).toEqual({ allowed: true, grant: 0, patterns: [] });
    expect(byIntake).toEqual({ allowed: false, reason: 'secret riskSelection is not in secrets' });
    expect(rotation).toEqual({ allowed: false, reason: 'secretsmanager:PutSecretValue is granted to no function' });
  });
});
