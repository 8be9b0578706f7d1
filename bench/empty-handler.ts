/** The floor of `npm run bench -- handlers`: a handler that loads nothing and does nothing. */
export const handler = async (_event: unknown): Promise<void> => {};
