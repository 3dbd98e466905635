import * as fc from 'fast-check';

/** Runs per property when FC_NUM_RUNS does not say otherwise: synth is slow, so CI keeps this small. */
const DEFAULT_RUNS = 30;

/**
 * The fast-check parameters every property test uses: a seed printed before the run (and in
 * fast-check's own report on failure) so that a failure can be replayed with `FC_SEED`, and the
 * number of runs, which `FC_NUM_RUNS` widens for a longer local search.
 */
export function propertyParameters<T>(name: string, defaultRuns = DEFAULT_RUNS): fc.Parameters<T> {
  const seed = numberFrom('FC_SEED') ?? (Date.now() ^ Math.floor(Math.random() * 2 ** 31));
  const numRuns = numberFrom('FC_NUM_RUNS') ?? defaultRuns;
  // eslint-disable-next-line no-console
  console.log(`${name}: fast-check seed ${seed}, ${numRuns} runs (replay with FC_SEED=${seed})`);
  return { seed, numRuns, verbose: fc.VerbosityLevel.Verbose };
}

function numberFrom(variable: string): number | undefined {
  const text = process.env[variable];
  if (text === undefined || text === '') {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isInteger(value)) {
    throw new Error(`${variable} must be a whole number, not '${text}'`);
  }
  return value;
}

/**
 * What the model says the pattern must do with some props: build a template, or refuse them
 * with an error that names one of `props`.
 */
export type Expected = { readonly ok: true } | { readonly ok: false; readonly props: readonly string[] };

/** Collects the props a model finds wrong. */
export class Verdict {
  private readonly wrong: string[] = [];

  /** Records `prop` as wrong when `condition` holds. */
  public refuse(condition: boolean, ...props: string[]): this {
    if (condition) {
      this.wrong.push(...props);
    }
    return this;
  }

  public get expected(): Expected {
    return this.wrong.length === 0 ? { ok: true } : { ok: false, props: [...new Set(this.wrong)] };
  }
}

/** How often each outcome happened, so that a test can prove its generators reach both. */
export interface Outcomes {
  synthesized: number;
  refused: number;
}

/**
 * Holds the pattern to the model: `build` constructs the pattern and synthesizes it (strict
 * CloudFormation validation and the embedded checks throw on a bad template). When the model
 * expects a template, nothing may throw; when it expects an error, `build` must throw the
 * library's own error, whose message starts with `subject` and names one of the wrong props.
 * Returns what `build` returned, or `undefined` for a refusal.
 */
export function holdToModel<T>(expected: Expected, subject: string, build: () => T, outcomes: Outcomes): T | undefined {
  let result: T;
  try {
    result = build();
  } catch (e) {
    const error = e as Error;
    if (expected.ok) {
      throw new Error(`the model accepts these props, but the pattern refused them: ${error.name}: ${error.message}`);
    }
    if (error.name !== 'GuardedPatternsError') {
      throw new Error(`expected the library's own error naming ${expected.props.join(' or ')}, got ${error.name}: ${error.message}\n${error.stack}`);
    }
    if (!error.message.startsWith(subject) || !expected.props.some((prop) => error.message.includes(prop))) {
      throw new Error(`expected an error starting with "${subject}" and naming ${expected.props.join(' or ')}, got: ${error.message}`);
    }
    outcomes.refused++;
    return undefined;
  }
  if (!expected.ok) {
    throw new Error(`the model refuses these props (${expected.props.join(', ')} wrong), but the pattern built a template`);
  }
  outcomes.synthesized++;
  return result;
}
