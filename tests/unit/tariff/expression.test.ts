/**
 * Duty text -> expression model, for every shape the UK Global Tariff uses, and back to text.
 */
import { describe, expect, it } from 'vitest';
import { dutyShape, parseDutyText, parseExpression } from '#shared/tariff/expression.ts';

const components = (text: string) => {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.duty.components.map((c) => [c.op, c.amount, c.currency ?? '%', `${c.unit ?? ''}${c.qualifier ?? ''}`].join(' ').trim());
};

describe('parseExpression', () => {
  it.each([
    ['0.0%', ['+ 0.0 %']],
    ['34.00 GBP/100kg', ['+ 34.00 GBP DTN']],
    ['131.00 GBP/1000kg', ['+ 131.00 GBP TNE']],
    ['10.00 GBP / hl', ['+ 10.00 GBP HLT']],
    ['26.00 GBP/hl', ['+ 26.00 GBP HLT']],
    ['10.00% + 77.00 GBP/100kg', ['+ 10.00 %', '+ 77.00 GBP DTN']],
    ['1.40 GBP / % vol / hl', ['+ 1.40 GBP ASVX']],
    ['1.00 GBP/%vol/hl', ['+ 1.00 GBP ASVX']],
    ['0.50 GBP/%vol/hl + 2.60 GBP/hl', ['+ 0.50 GBP ASVX', '+ 2.60 GBP HLT']],
    ['1.00 GBP/kg/lactic matter + 23.00 GBP/100kg', ['+ 1.00 GBP KGMP', '+ 23.00 GBP DTN']],
    ['0.20 GBP/ item', ['+ 0.20 GBP NAR']],
    ['43.00 GBP/1000 items', ['+ 43.00 GBP MIL']],
    ['127.00 GBP/ 1000 items', ['+ 127.00 GBP MIL']],
    ['4.00% + 7.80 GBP/100kg eda', ['+ 4.00 %', '+ 7.80 GBP DTNE']],
    ['0.30 GBP/100kg/net/%sacchar.', ['+ 0.30 GBP DTNZ']],
    ['42.00 GBP/100kg mas', ['+ 42.00 GBP DTNM']],
    ['28.00 GBP/100kg std qual', ['+ 28.00 GBP DTNR']],
    ['40.00% + 101.00 GBP/hl + 17 GBP/100kg', ['+ 40.00 %', '+ 101.00 GBP HLT', '+ 17 GBP DTN']],
    ['20.00% + 22.00 GBP/hl', ['+ 20.00 %', '+ 22.00 GBP HLT']],
    ['144.10 GBP / 1000 kg/biodiesel', ['+ 144.10 GBP TNEI']],
    [
      '13.80% MIN 13.00 GBP / 100 kg MAX 15.00 GBP / 100 kg - 7.00 GBP / 100 kg',
      ['+ 13.80 %', 'MIN 13.00 GBP DTN', 'MAX 15.00 GBP DTN', '- 7.00 GBP DTN'],
    ],
    [
      '16.50 % / Retail Price + 244.78 GBP / 1,000 p/st MIN 320.90 GBP / 1,000 p/st',
      ['+ 16.50 % RET', '+ 244.78 GBP MIL', 'MIN 320.90 GBP MIL'],
    ],
  ])('%s', (text, expected) => {
    // Act
    const result = components(text);

    // Assess
    expect(result).toEqual(expected);
  });

  it('renders canonical text', () => {
    // Act
    const parsed = parseExpression('10.0% + 77 GBP/100kg MAX 24.20 GBP/100kg eda');

    // Assess
    expect(parsed.ok && parsed.duty.text).toBe('10.00% + 77.00 GBP / 100 kg MAX 24.20 GBP / 100 kg/net eda');
  });

  it.each([
    ['', 'empty duty text'],
    ['Entry Price', 'unrecognised term "Entry Price"'],
    ['12.00 GBP/furlong', 'unknown unit "furlong"'],
    ['5% + ', 'unrecognised term "5% +"'],
  ])('does not guess: %j', (text, reason) => {
    // Act
    const parsed = parseExpression(text);

    // Assess
    expect(parsed).toEqual({ ok: false, reason });
  });
});

describe('parseDutyText', () => {
  it('turns seasonal rates into windows, including ones that wrap the year end', () => {
    // Act
    const parsed = parseDutyText('8.00% (01 NOV - 14 MAY), 14.00% (15 MAY - 31 OCT)');

    // Assess
    expect(parsed.ok && parsed.parts.map((p) => [p.duty.text, p.season])).toEqual([
      ['8.00%', { from: '11-01', to: '05-14' }],
      ['14.00%', { from: '05-15', to: '10-31' }],
    ]);
  });

  it('names the shape of a text', () => {
    expect(dutyShape('14.00% (01 JUL - 31 JAN), 0.00% (01 FEB - 30 JUN)')).toBe('N% (N MON - N MON), N% (N MON - N MON)');
    expect(dutyShape('10.00 GBP / hl')).toBe('N GBP / hl');
  });
});
