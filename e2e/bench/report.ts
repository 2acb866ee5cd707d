/** What a bench hands the runner: its tables, and what kept it from running properly (exit 1). */
export interface BenchReport {
  name: string;
  /** The tables and notes to print. */
  text: string;
  /** Empty when the bench ran; otherwise one line per problem (errors, invites that never arrived). */
  failures: string[];
}
