/** @module Service harness entry: install what the suite needs before any test runs. */
export async function prepareServices(): Promise<void> {}
