import { ScenarioError } from '@migsim/scenario';
import { describe, expect, it } from 'vitest';
import { smallChaosScenarioText } from '../testing';
import { parseSetOption } from './set-parameter';
import { cellLabel, planSweep } from './sweep-plan';

const text = smallChaosScenarioText();
const plan = (sets: string[] = [], variants?: string[]) =>
  planSweep({ scenarioText: text, fileName: 'small.yaml', seeds: [1, 2], sets: sets.map(parseSetOption), ...(variants === undefined ? {} : { variants }) });

describe('planSweep', () => {
  it('crosses every value of every --set (the first varying slowest) and keeps the file\'s variants', () => {
    const sweep = plan(['policy.progressTimeout=10s,30s', 'chaos.cancel.perRound=0,5%']);
    expect(sweep.variants).toEqual(['patient', 'impatient']);
    expect(sweep.cells.map(cellLabel)).toEqual([
      'policy.progressTimeout=10s, chaos.cancel.perRound=0',
      'policy.progressTimeout=10s, chaos.cancel.perRound=5%',
      'policy.progressTimeout=30s, chaos.cancel.perRound=0',
      'policy.progressTimeout=30s, chaos.cancel.perRound=5%',
    ]);
    expect(plan().cells.map(cellLabel)).toEqual(['as written']);
  });

  it('refuses a --set path the scenario does not have, with the loader\'s suggestion', () => {
    expect(() => plan(['policy.progresTimeout=30s'])).toThrow(
      '--set: policy.progresTimeout=30s makes small.yaml invalid:\nsmall.yaml: policy.progresTimeout: found unknown key "progresTimeout", expected one of',
    );
    expect(() => plan(['policy.progresTimeout=30s'])).toThrow('(did you mean "progressTimeout"?)');
  });

  it('refuses a --set value the scenario cannot take, naming the value', () => {
    expect(() => plan(['policy.progressTimeout=30s,soon'])).toThrow(
      '--set: policy.progressTimeout=soon makes small.yaml invalid:\nsmall.yaml: policy.progressTimeout: found "soon", expected a duration such as 300ms, 10s or 2m, or a number of seconds',
    );
  });

  it('refuses a path set twice and a variant the file does not have', () => {
    expect(() => plan(['policy.progressTimeout=1s', 'policy.progressTimeout=2s'])).toThrow('--set: policy.progressTimeout is set twice');
    expect(() => plan([], ['patient', 'eager'])).toThrow('--variants: found "eager", expected a variant of small.yaml (patient, impatient)');
  });

  it('refuses a file that does not load, with the loader\'s own problems', () => {
    expect(() => planSweep({ scenarioText: 'name: x\n', fileName: 'bad.yaml', seeds: [1] })).toThrow(ScenarioError);
  });
});
