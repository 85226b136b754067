/** Where a long evaluation reports how far it got (a progress bar in the CLI, nothing in tests). */
export interface EvalProgress {
  start(total: number, label: string): void
  update(done: number): void
  stop(): void
}
