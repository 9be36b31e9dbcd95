/**
 * Demo users of the local cloud. There is no user store locally: these are the identities the
 * token endpoint (`POST /local/token`, `npm run token`) and the start banner know about. Their `sub`
 * values are fixed so that data created with `--data` stays linked to the same users across restarts.
 */
import { createHash } from 'node:crypto';

export const roles = ['trader', 'officer', 'admin', 'carrier', 'agency'] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export interface DemoUser {
  username: string;
  role: Role;
  /** EORI of the trader's (or carrier's) company; officers and admins have none. */
  party?: string;
  /** The partner agency an agency user acts for (`custom:agency_id`). */
  agency?: string;
  /** Display name (the company for traders). */
  name: string;
  email: string;
  sub: string;
}

export const demoUsers: readonly DemoUser[] = [
  {
    username: 'acme',
    role: 'trader',
    party: 'GB123456789000',
    name: 'Acme Imports Ltd',
    email: 'customs@acme-imports.example',
    sub: '6a1f4c2e-0b7d-4e51-9c3a-1d2e3f405161',
  },
  {
    username: 'borealis',
    role: 'trader',
    party: 'GB987654321000',
    name: 'Borealis Trading',
    email: 'brokerage@borealis-trading.example',
    sub: '7b2e5d3f-1c8e-4f62-8d4b-2e3f40516272',
  },
  {
    username: 'officer',
    role: 'officer',
    name: 'Olivia Okafor (Heathrow customs officer)',
    email: 'olivia.okafor@customs.example',
    sub: '8c3f6e40-2d9f-4073-9e5c-3f4051627383',
  },
  {
    username: 'tidewater',
    role: 'carrier',
    party: 'GB555000111000',
    name: 'Tidewater Shipping Line',
    email: 'manifests@tidewater-shipping.example',
    sub: 'ae518062-4f11-4295-9a7e-5162738495a5',
  },
  {
    username: 'admin',
    role: 'admin',
    name: 'Arun Admin',
    email: 'arun.admin@customs.example',
    sub: '9d407f51-3e00-4184-8f6d-405162738494',
  },
  {
    username: 'phsi',
    role: 'agency',
    agency: 'GB-PHSI',
    name: 'Priya Shah (Plant Health and Seeds Inspector)',
    email: 'priya.shah@plant-health.example',
    sub: 'ae518062-4f11-4295-9a7e-516273849505',
  },
];

export interface Identity {
  role: Role;
  party: string | undefined;
  agency: string | undefined;
  sub: string;
  username: string;
  email: string | undefined;
  /** The demo user this identity belongs to, if any. */
  demoUser: DemoUser | undefined;
}

/**
 * The identity for a role and optional party (traders) or agency (agency users; the demo agency
 * user's when none is named): the matching demo user when there is one, otherwise a stable
 * made-up identity (same role, party and agency give the same `sub` on every start).
 */
export function resolveIdentity(role: Role, party?: string, sub?: string, agency?: string): Identity {
  const demoUser = demoUsers.find(
    (user) =>
      user.role === role &&
      (role === 'trader' || role === 'carrier' ? user.party === party : party === undefined) &&
      (role === 'agency' ? agency === undefined || user.agency === agency : agency === undefined),
  );
  if (demoUser && (sub === undefined || sub === demoUser.sub)) {
    return {
      role,
      party: demoUser.party,
      agency: demoUser.agency,
      sub: demoUser.sub,
      username: demoUser.username,
      email: demoUser.email,
      demoUser,
    };
  }
  const derivedSub = sub ?? stableUuid(agency === undefined ? `${role}:${party ?? ''}` : `${role}:${party ?? ''}:${agency}`);
  return {
    role,
    party,
    agency,
    sub: derivedSub,
    username: `${role}-${party ?? agency ?? derivedSub.slice(0, 8)}`.toLowerCase(),
    email: undefined,
    demoUser: undefined,
  };
}

function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(`customs-local:${seed}`).digest('hex');
  // Shaped like a version 4 UUID (Cognito subs are), derived rather than random.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
