/**
 * Replays the whole JDK truth table (22,620 cases) through runLoginStack and compares the five fields the
 * conformance README names: result, loginCalled, commitCalled, abortCalled, thrownBy.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runLoginStack } from '../../src/index.js';
import { FailedLogin, readTruthTable, recordedFields, recordedRun, stubStack } from './stub-modules.js';

const { raw, rows } = readTruthTable();

describe('JDK LoginContext truth table', () => {
  it('is the recorded file (SHA-256) with 22,620 cases', () => {
    expect(createHash('sha256').update(raw).digest('hex')).toBe(
      '0b217c66bf739e3a9b68050b6f2200a2ae718e64bd8eae5d66c840fe377f85dc',
    );
    expect(rows).toHaveLength(22_620);
  });

  it('runLoginStack matches every case on every field (0 mismatches)', async () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const row of rows) {
      const r = await runLoginStack(stubStack(row.flags, row.outcomes), undefined);
      const got = recordedRun(r);
      const want = recordedFields(row);
      // The reported error must be the module's own object (§3 R5), or our "all modules ignored" error.
      let errorOk = true;
      if (!r.ok) {
        errorOk =
          row.thrownBy === null
            ? (r.error as { code?: string }).code === 'ERR_STACK_ALL_IGNORED'
            : r.error instanceof FailedLogin && r.error.position === row.thrownBy;
      }
      compared++;
      if (JSON.stringify(got) !== JSON.stringify(want) || !errorOk) {
        mismatches.push(
          `${row.flags.join(',')} / ${row.outcomes.join(',')}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}${errorOk ? '' : ' (wrong error object)'}`,
        );
      }
    }
    expect(compared).toBe(22_620);
    expect(mismatches.slice(0, 10), `${mismatches.length} mismatches; first ones shown`).toEqual([]);
    expect(mismatches).toHaveLength(0);
  });
});
