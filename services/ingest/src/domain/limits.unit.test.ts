import { ApplicationSubmittedV3, MAX_APPLICANTS } from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { sizeProblems } from './limits.ts';

const example = ApplicationSubmittedV3.example;
const applicant = example.applicants[0] as (typeof example.applicants)[number];

describe('sizeProblems', () => {
  it('passes an application within the limits', () => {
    expect(sizeProblems(example)).toEqual([]);
  });

  it('names too many applicants and text copied from Entrata that is too long, never the values', () => {
    expect(sizeProblems({ ...example, applicants: Array(MAX_APPLICANTS + 1).fill(applicant) })).toEqual([
      '/applicants must not have more than 20 items',
    ]);
    const problems = sizeProblems({
      ...example,
      excluded: [{ entrataCustomerId: '9', role: `Kind${'Q'.repeat(80)}`, reason: 'x' }],
    });
    expect(problems).toEqual(['/excluded/0/role must not have more than 50 characters']);
  });
});
