/**
 * The demo traders' accounts (docs/revenue.md): the examples/ declarations are Acme's and name its
 * duty deferment account 1234567; Acme also holds an empty cash account to top up. The trusted
 * trader defers on 7654321.
 */
import type { OpenAccountInput } from '#shared/domain/accounts.ts';

export const demoAccounts: readonly OpenAccountInput[] = [
  {
    kind: 'DEFERMENT',
    number: '1234567',
    ownerId: 'GB123456789000',
    currency: 'GBP',
    deferment: { monthlyLimit: '50000.00', guarantee: { amount: '50000.00', guarantor: 'Demo Bank plc' } },
  },
  { kind: 'CASH', number: '2345678', ownerId: 'GB123456789000', currency: 'GBP' },
  {
    kind: 'DEFERMENT',
    number: '7654321',
    ownerId: 'GB987654321000',
    currency: 'GBP',
    deferment: { monthlyLimit: '250000.00', guarantee: { amount: '250000.00', guarantor: 'Demo Bank plc' } },
  },
];
