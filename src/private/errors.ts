/**
 * The error the library throws for input that is wrong whatever the rest of the app holds.
 * Its message names the construct, the prop, the value and the fix.
 */
export class GuardedPatternsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardedPatternsError';
  }
}
